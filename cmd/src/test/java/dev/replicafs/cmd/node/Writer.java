package dev.replicafs.cmd.node;

import static org.assertj.core.api.Assertions.fail;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A background writer (thread {@code cluster-writer}) committing one row at a time into table
 * {@code t} through {@code connection} until closed, so a test can act on nodes mid-stream.
 */
final class Writer implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final Connection connection;
  private final AtomicLong commits = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final Thread thread;
  private volatile boolean stop;

  Writer(Connection connection) throws SQLException {
    this.connection = connection;
    try (Statement s = connection.createStatement()) {
      s.execute("PRAGMA busy_timeout=10000");
    }
    thread = new Thread(this::run, "cluster-writer");
    thread.start();
  }

  private void run() {
    try (Statement s = connection.createStatement()) {
      while (!stop) {
        s.execute("INSERT INTO t (v) VALUES (printf('%.*c', 700, 'w'))");
        commits.incrementAndGet();
      }
    } catch (Throwable t) {
      failure.set(t);
    }
  }

  long commits() {
    return commits.get();
  }

  /** Waits until at least {@code n} commits were made; fails if the writer failed. */
  void awaitCommits(long n) throws Exception {
    Instant deadline = Instant.now().plus(WAIT);
    while (commits.get() < n) {
      if (failure.get() != null) {
        throw new AssertionError("writer failed", failure.get());
      }
      if (Instant.now().isAfter(deadline)) {
        fail("writer made " + commits.get() + " of " + n + " commits in " + WAIT);
      }
      TimeUnit.MILLISECONDS.sleep(10);
    }
  }

  /** Stops the writer and rethrows its failure, if any. */
  @Override
  public void close() throws Exception {
    stop = true;
    thread.join(WAIT.toMillis());
    if (thread.isAlive()) {
      fail("writer did not stop in " + WAIT);
    }
    if (failure.get() != null) {
      throw new AssertionError("writer failed", failure.get());
    }
  }
}

package dev.replicafs.cmd.node;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A background writer (thread {@code ack-writer}) inserting rows with ids 1, 2, 3, ... into table
 * {@code t} of a database on a node's mount, one transaction each, and recording every id whose
 * commit SQLite acknowledged. Unlike {@link Writer} it expects to fail (the node dies, loses the
 * lease or hands it off): the first error ends it and is kept for the test to inspect.
 */
final class AckWriter implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final Connection connection;
  private final List<Long> acked = new CopyOnWriteArrayList<>();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final Thread thread;
  private final long firstId;
  private volatile boolean stop;

  AckWriter(Path db) throws SQLException {
    this(db, 1);
  }

  /** Writes ids {@code firstId}, {@code firstId + 1}, ... */
  AckWriter(Path db, long firstId) throws SQLException {
    this.firstId = firstId;
    connection = DriverManager.getConnection("jdbc:sqlite:" + db);
    try (Statement s = connection.createStatement()) {
      s.execute("PRAGMA busy_timeout=10000");
    }
    thread = new Thread(this::run, "ack-writer");
    thread.setDaemon(true); // a call stuck on a dead mount must not keep the test JVM alive
    thread.start();
  }

  private void run() {
    try (PreparedStatement s =
        connection.prepareStatement("INSERT INTO t (id, v) VALUES (?, printf('%.*c', 500, 'a'))")) {
      for (long id = firstId; !stop; id++) {
        s.setLong(1, id);
        s.executeUpdate();
        acked.add(id);
      }
    } catch (Throwable t) {
      failure.set(t);
    }
  }

  /** Ids whose commit was acknowledged, in order (firstId, firstId + 1, ...). */
  List<Long> acked() {
    return List.copyOf(acked);
  }

  /** The error that ended the writer, or null while it runs or after a clean stop. */
  Throwable failure() {
    return failure.get();
  }

  /** Waits until at least {@code n} commits were acknowledged; fails if the writer ended first. */
  void awaitAcked(long n) throws Exception {
    Instant deadline = Instant.now().plus(WAIT);
    while (acked.size() < n) {
      if (!thread.isAlive()) {
        throw new AssertionError("writer ended after " + acked.size() + " commits", failure.get());
      }
      if (Instant.now().isAfter(deadline)) {
        fail("writer made " + acked.size() + " of " + n + " commits in " + WAIT);
      }
      TimeUnit.MILLISECONDS.sleep(10);
    }
  }

  /** Waits until the writer ended by itself (an error); returns that error. */
  Throwable awaitFailure() throws Exception {
    thread.join(WAIT.toMillis());
    if (thread.isAlive()) {
      fail("writer still running " + WAIT + " after its node went away");
    }
    return failure.get();
  }

  /** Stops the writer (if still running) and closes the connection, ignoring a dead mount. */
  @Override
  public void close() throws Exception {
    stop = true;
    thread.join(WAIT.toMillis());
    try {
      connection.close();
    } catch (SQLException e) {
      // the mount under it may be gone
    }
  }
}

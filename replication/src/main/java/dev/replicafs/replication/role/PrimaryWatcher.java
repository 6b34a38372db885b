package dev.replicafs.replication.role;

import dev.replicafs.lease.LeaseException;
import dev.replicafs.lease.Leaser;
import dev.replicafs.lease.PrimaryInfo;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the lease key with {@link Leaser#awaitPrimaryChange} on its own thread ({@code
 * replicafs-role-watch}) and reports, as a {@link RoleInput.PrimaryObserved}, whenever the key
 * differs from what the role machine currently believes. Comparing against the machine's belief on
 * every wait (not against the watch's own last value) means a change that happened and was undone
 * between two waits, or while the machine was busy, is never missed: a replica of a dead primary
 * always hears that the key is empty or names someone else.
 *
 * <p>An unreachable coordinator pauses the watch for {@code reconnect-delay}. Each observation is
 * reported once per belief: the machine sets a new {@link Belief} (a new version, even with the
 * same primary) on every transition, which re-arms reporting.
 */
final class PrimaryWatcher implements AutoCloseable {

  /** What the machine believes the key holds; {@code version} grows with every update. */
  record Belief(long version, Optional<PrimaryInfo> primary) {}

  private static final Logger LOG = LoggerFactory.getLogger(PrimaryWatcher.class);
  private static final Duration WAIT = Duration.ofSeconds(1);

  private final Leaser leaser;
  private final Supplier<Belief> belief;
  private final Consumer<RoleInput> sink;
  private final Duration reconnectDelay;
  private final Thread thread;
  private volatile boolean closed;

  PrimaryWatcher(
      Leaser leaser, Supplier<Belief> belief, Consumer<RoleInput> sink, Duration reconnectDelay) {
    this.leaser = leaser;
    this.belief = belief;
    this.sink = sink;
    this.reconnectDelay = reconnectDelay;
    this.thread = new Thread(this::run, "replicafs-role-watch");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void run() {
    long reportedVersion = -1;
    Optional<PrimaryInfo> reported = null;
    while (!closed) {
      Belief believed = belief.get();
      try {
        Optional<PrimaryInfo> seen = leaser.awaitPrimaryChange(believed.primary(), WAIT);
        if (!seen.equals(believed.primary())
            && !(believed.version() == reportedVersion && seen.equals(reported))) {
          reportedVersion = believed.version();
          reported = seen;
          sink.accept(new RoleInput.PrimaryObserved(seen));
        }
      } catch (InterruptedException e) {
        return;
      } catch (LeaseException | RuntimeException e) {
        if (closed) {
          return;
        }
        LOG.debug("lease watch failed, pausing: pause={} error={}", reconnectDelay, e.toString());
        try {
          TimeUnit.NANOSECONDS.sleep(reconnectDelay.toNanos());
        } catch (InterruptedException interrupted) {
          return;
        }
      }
    }
  }

  /** Stops the thread and waits for it (it wakes from the coordinator wait on interrupt). */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package dev.replicafs.replication.replica;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the watched stream when no byte arrived for the idle timeout, so a half-open connection
 * (the primary's host vanished without a FIN) ends the replica's blocking read; the primary's
 * one-second heartbeat keeps a healthy stream busy. One named daemon thread; idempotent close.
 */
final class IdleWatchdog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IdleWatchdog.class);

  private final Duration timeout;
  private final String peer;
  private final ScheduledExecutorService timer;
  private volatile ProgressInputStream watched;

  IdleWatchdog(Duration timeout, String peer) {
    this.timeout = timeout;
    this.peer = peer;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "replicafs-replica-watchdog");
              t.setDaemon(true);
              return t;
            });
    long every = Math.max(100, timeout.toMillis() / 4);
    timer.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
  }

  /** Watches {@code in} (null = nothing). */
  void watch(ProgressInputStream in) {
    watched = in;
  }

  /** Closes the watched stream now (shutdown). */
  void closeWatched() {
    ProgressInputStream in = watched;
    watched = null;
    if (in != null) {
      try {
        in.close();
      } catch (IOException e) {
        log.debug("closing the stream failed: primary={}", peer, e);
      }
    }
  }

  private void check() {
    ProgressInputStream in = watched;
    if (in != null && in.idleNanos() > timeout.toNanos()) {
      log.warn("no data from the primary, dropping the stream: primary={} idle={}", peer, timeout);
      closeWatched();
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}

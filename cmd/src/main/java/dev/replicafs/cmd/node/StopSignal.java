package dev.replicafs.cmd.node;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Why the node should stop: SIGINT/SIGTERM received outside the exec supervision (which installs
 * its own forwarding handlers while a child runs and restores these afterwards), or a fatal store
 * error. Signal handlers instead of a shutdown hook so that the main thread keeps control and runs
 * the ordered shutdown (unmount, release the lease) before the JVM exits with the right code; see
 * docs/decisions/0008.
 */
final class StopSignal implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StopSignal.class);

  private final CountDownLatch stopped = new CountDownLatch(1);
  private final List<Signal> installed = new ArrayList<>();
  private final List<SignalHandler> previous = new ArrayList<>();
  private volatile String reason;
  private volatile boolean fatal;
  private volatile Runnable onStop = () -> {};
  private boolean closed;

  /** Installs the SIGINT and SIGTERM handlers. */
  StopSignal() {
    for (String name : List.of("INT", "TERM")) {
      Signal signal = new Signal(name);
      try {
        previous.add(Signal.handle(signal, s -> stop("signal " + s.getName(), false)));
        installed.add(signal);
      } catch (IllegalArgumentException e) {
        log.warn("cannot handle signal, the jvm keeps its default action signal={}", name);
      }
    }
  }

  /** Asks the node to stop; the first reason wins. */
  void stop(String why, boolean isFatal) {
    synchronized (this) {
      if (reason != null) {
        return;
      }
      reason = why;
      fatal = isFatal;
    }
    log.info("stopping reason=\"{}\"", why);
    stopped.countDown();
    runOnStop(onStop);
  }

  /** Runs {@code action} (once) when a stop is requested, e.g. to stop the exec child. */
  void onStop(Runnable action) {
    onStop = action;
    if (isStopped()) {
      runOnStop(action);
    }
  }

  /** Off the caller's thread: a fatal error may be reported under a database lock. */
  private static void runOnStop(Runnable action) {
    Thread t = new Thread(action, "replicafs-stop");
    t.setDaemon(true);
    t.start();
  }

  boolean isStopped() {
    return stopped.getCount() == 0;
  }

  /** Whether the stop came from a fatal error (the node then exits 99). */
  boolean isFatal() {
    return fatal;
  }

  /** Waits for a stop request. */
  void await() throws InterruptedException {
    stopped.await();
  }

  /** Waits up to {@code timeout}; true when a stop was requested. */
  boolean await(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Restores the previous handlers. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (int i = 0; i < installed.size(); i++) {
      Signal.handle(installed.get(i), previous.get(i));
    }
  }
}

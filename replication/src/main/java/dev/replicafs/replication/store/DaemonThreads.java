package dev.replicafs.replication.store;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread factories for the store's own threads: daemon threads with a recognisable name. */
final class DaemonThreads {
  private DaemonThreads() {}

  /** One thread called {@code name} (a single-thread executor's). */
  static ThreadFactory named(String name) {
    return r -> daemon(r, name);
  }

  /** Threads called {@code prefix-1}, {@code prefix-2}, ... (a pool's). */
  static ThreadFactory numbered(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> daemon(r, prefix + "-" + n.incrementAndGet());
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}

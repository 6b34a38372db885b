package dev.replicafs.replication.role;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Samples, on its own thread, every ~200 µs, which nodes' stores accept writes and which machines
 * say PRIMARY, and counts the samples where two or more did at the same instant.
 */
final class WriterSampler implements AutoCloseable {
  private final List<RoleNode> nodes;
  private final Thread thread;
  private final AtomicLong samples = new AtomicLong();
  private final AtomicLong twoWriters = new AtomicLong();
  private final AtomicLong twoPrimaries = new AtomicLong();
  private volatile boolean closed;

  WriterSampler(List<RoleNode> nodes) {
    this.nodes = List.copyOf(nodes);
    this.thread = new Thread(this::run, "test-writer-sampler");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  private void run() {
    while (!closed) {
      int writers = 0;
      int primaries = 0;
      for (RoleNode node : nodes) {
        writers += node.store.isPrimary() ? 1 : 0;
        primaries += node.isPrimary() ? 1 : 0;
      }
      samples.incrementAndGet();
      if (writers > 1) {
        twoWriters.incrementAndGet();
      }
      if (primaries > 1) {
        twoPrimaries.incrementAndGet();
      }
      LockSupport.parkNanos(200_000);
    }
  }

  long samples() {
    return samples.get();
  }

  long twoWriters() {
    return twoWriters.get();
  }

  long twoPrimaries() {
    return twoPrimaries.get();
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    thread.join(5_000);
  }
}

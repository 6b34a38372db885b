package dev.replicafs.cmd.node;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts a node opened, closed in reverse order of opening (proxy, mount, lease, node API,
 * store), each failure logged and the rest still closed. Idempotent.
 */
final class Resources implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Resources.class);

  private final Deque<Named> opened = new ArrayDeque<>();

  private record Named(String name, AutoCloseable part) {}

  /** Registers {@code part} to be closed; returns it. */
  synchronized <T extends AutoCloseable> T add(String name, T part) {
    opened.push(new Named(name, part));
    return part;
  }

  @Override
  public void close() {
    while (true) {
      Named next;
      synchronized (this) {
        next = opened.poll();
      }
      if (next == null) {
        return;
      }
      try {
        next.part().close();
        log.info("closed part={}", next.name());
      } catch (Exception e) {
        log.warn("cannot close part={} error=\"{}\"", next.name(), e.toString());
      }
    }
  }
}

package dev.replicafs.replication.halt;

import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.LockGuard;
import dev.replicafs.replication.store.NotFoundException;
import dev.replicafs.replication.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The halts this primary granted, one per database at most: the holder (node ID and halt ID), the
 * lock-table write guard that keeps this node's SQLite writers out, and the expiry ({@code
 * halt.ttl} after the last activity). A named thread ({@code halt-expiry}) releases expired halts
 * every second. Closing (shutdown, demotion) releases every halt; idempotent.
 */
public final class HaltTable implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HaltTable.class);

  /** LiteFS's TTL. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);

  /** How long a request waits for another node's halt, and for the write lock. */
  static final Duration WAIT = Duration.ofSeconds(10);

  private final Store store;
  private final Clock clock;
  private final Map<String, Entry> halts = new HashMap<>();
  private final ScheduledExecutorService expiry;
  private volatile Duration ttl = DEFAULT_TTL;
  private boolean closed;

  /** What {@code POST /halt} answers. */
  public record Grant(long id, Pos pos, Duration ttl, Instant expires) {}

  private static final class Entry {
    final String node;
    final long id;
    LockGuard guard;
    Pos pos;
    long expires;
    boolean busy;
    boolean released;

    Entry(String node, long id) {
      this.node = node;
      this.id = id;
    }

    boolean is(String n, long i) {
      return node.equals(n) && id == i;
    }
  }

  public HaltTable(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
    this.expiry =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "halt-expiry");
              t.setDaemon(true);
              return t;
            });
    expiry.scheduleWithFixedDelay(this::expire, 1, 1, TimeUnit.SECONDS);
  }

  /** Sets {@code halt.ttl}. */
  public void ttl(Duration ttl) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("halt.ttl must be positive: " + ttl);
    }
    this.ttl = ttl;
  }

  /** Halts writes on {@code name} for {@code node}; a repeated request with the same ID renews. */
  public Grant acquire(String name, String node, long id) throws IOException, InterruptedException {
    Db db = store.db(name).orElseThrow(() -> new NotFoundException("no such database: " + name));
    Entry e;
    synchronized (this) {
      long deadline = System.nanoTime() + WAIT.toNanos();
      Entry cur;
      while ((cur = halts.get(name)) != null && !(cur.is(node, id) && cur.guard != null)) {
        checkOpen();
        if (cur.guard != null && expired(cur)) {
          drop(name, cur, "expired");
          continue;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new HaltConflictException(
              "db=" + name + " is halted by node " + cur.node + "; retry later");
        }
        wait(Math.max(1, left / 1_000_000));
      }
      checkOpen();
      if (cur != null) {
        cur.expires = now() + ttl.toMillis();
        return grant(cur);
      }
      e = new Entry(node, id);
      halts.put(name, e);
    }
    LockGuard guard;
    try {
      guard = db.haltWrites(WAIT);
    } catch (IOException | RuntimeException x) {
      synchronized (this) {
        halts.remove(name, e);
        notifyAll();
      }
      throw x;
    }
    synchronized (this) {
      if (halts.get(name) != e) {
        guard.close();
        throw new HaltConflictException("halt on db=" + name + " was released while it was taken");
      }
      e.guard = guard;
      e.pos = db.pos();
      e.expires = now() + ttl.toMillis();
      log.info("halted writes: db={} node={} id={} pos={}", name, node, id, e.pos);
      return grant(e);
    }
  }

  /** Verifies and applies a transaction the holder of the halt wrote; renews the halt. */
  public Pos commit(String name, String node, long id, InputStream ltx) throws IOException {
    Db db = store.db(name).orElseThrow(() -> new NotFoundException("no such database: " + name));
    Entry e;
    synchronized (this) {
      e = halts.get(name);
      if (e == null || !e.is(node, id) || e.guard == null || expired(e)) {
        throw new HaltConflictException(
            "node "
                + node
                + " does not hold the halt lock id="
                + id
                + " on db="
                + name
                + " (expired or released); take it again");
      }
      e.busy = true;
    }
    try {
      return db.applyHalted(ltx, e.guard);
    } finally {
      synchronized (this) {
        e.busy = false;
        e.expires = now() + ttl.toMillis();
        if (e.released) {
          e.guard.close();
        }
        notifyAll();
      }
    }
  }

  /** Releases the halt {@code node} holds with {@code id} on {@code name}, if any. */
  public synchronized void release(String name, String node, long id) {
    Entry e = halts.get(name);
    if (e != null && e.is(node, id) && e.guard != null) {
      drop(name, e, "released");
    }
  }

  /** Releases every halt (this node stops being primary). */
  public synchronized void releaseAll() {
    for (Map.Entry<String, Entry> m : Map.copyOf(halts).entrySet()) {
      if (m.getValue().guard != null) {
        drop(m.getKey(), m.getValue(), "primary role ended");
      }
    }
  }

  /** The node holding the halt on {@code name}, if any (diagnostics, tests). */
  public synchronized java.util.Optional<String> holder(String name) {
    Entry e = halts.get(name);
    return e == null || e.guard == null
        ? java.util.Optional.empty()
        : java.util.Optional.of(e.node);
  }

  private void expire() {
    synchronized (this) {
      for (Map.Entry<String, Entry> m : Map.copyOf(halts).entrySet()) {
        Entry e = m.getValue();
        if (e.guard != null && expired(e)) {
          drop(m.getKey(), e, "expired after " + ttl);
        }
      }
    }
  }

  /** Caller holds the monitor. */
  private void drop(String name, Entry e, String why) {
    halts.remove(name, e);
    e.released = true;
    if (!e.busy) {
      e.guard.close();
    }
    notifyAll();
    log.info("halt ended: db={} node={} id={} reason={}", name, e.node, e.id, why);
  }

  private boolean expired(Entry e) {
    return !e.busy && now() >= e.expires;
  }

  private long now() {
    return clock.millis();
  }

  private void checkOpen() throws HaltConflictException {
    if (closed) {
      throw new HaltConflictException("this node is shutting down or no longer primary");
    }
  }

  private Grant grant(Entry e) {
    return new Grant(e.id, e.pos, ttl, Instant.ofEpochMilli(e.expires));
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    expiry.shutdownNow();
    releaseAll();
  }
}

package dev.replicafs.replication.store;

import dev.replicafs.replication.ltx.Pos;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One database's halt lock on a replica (docs/LOCKS.md, "The halt lock"): NONE, ACQUIRING (the
 * primary is asked and the replica catches up to the position it answered), HELD (writes allowed,
 * every commit shipped to the primary before it is named), LOST (expired, refused or primary
 * changed: writes refused), then released by the handle that took it. One halt per database; a
 * second handle waits for it. The deadline is the send time of the last successful request plus the
 * TTL, never later than the primary's own expiry.
 */
final class ReplicaHalt {
  private static final Logger log = LoggerFactory.getLogger(ReplicaHalt.class);
  static final Duration WAIT = Duration.ofSeconds(10);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String EXPIRED = "expired";

  private final Db db;
  private Held held;

  private static final class Held {
    final long handle;
    final long id;
    final HaltRequester requester;
    boolean ready;
    long deadline;
    long ttlNanos;
    String lost;

    Held(long handle, long id, HaltRequester requester) {
      this.handle = handle;
      this.id = id;
      this.requester = requester;
    }
  }

  ReplicaHalt(Db db) {
    this.db = db;
  }

  /**
   * Takes the halt for {@code handle}; returns false (without waiting) if another handle holds it
   * and {@code block} is false.
   */
  boolean acquire(long handle, boolean block) throws IOException {
    HaltRequester r = db.store.haltRequester();
    if (r == null) {
      throw new StoreException(
          "cannot take the halt lock on db=" + db.name + ": this replica follows no primary");
    }
    Held h;
    synchronized (this) {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (held != null && held.handle != handle) {
        long left = deadline - System.nanoTime();
        if (!block) {
          return false;
        }
        if (left <= 0) {
          throw new StoreException(
              "the halt lock on db=" + db.name + " is held by another handle for over " + WAIT);
        }
        try {
          wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new StoreException("interrupted waiting for the halt lock on db=" + db.name, e);
        }
      }
      if (held != null) {
        return true;
      }
      h = new Held(handle, RANDOM.nextLong() & Long.MAX_VALUE, r);
      held = h;
    }
    try {
      long sent = System.nanoTime();
      HaltGrant g = r.acquire(db.name, h.id);
      awaitPos(g.pos());
      synchronized (this) {
        h.ttlNanos = g.ttl().toNanos();
        h.deadline = sent + h.ttlNanos;
        h.ready = true;
      }
      log.info("halt lock held: db={} id={} pos={} ttl={}", db.name, h.id, g.pos(), g.ttl());
      return true;
    } catch (IOException | RuntimeException e) {
      synchronized (this) {
        if (held == h) {
          held = null;
          notifyAll();
        }
      }
      try {
        r.release(db.name, h.id);
      } catch (IOException x) {
        e.addSuppressed(x);
      }
      throw e;
    }
  }

  private void awaitPos(Pos target) throws StoreException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      Pos p = db.pos();
      if (p.equals(target)) {
        return;
      }
      if (Long.compareUnsigned(p.txid(), target.txid()) >= 0) {
        throw new StoreException(
            "cannot take the halt lock on db="
                + db.name
                + ": this replica is at "
                + p
                + " but the primary is at "
                + target);
      }
      if (System.nanoTime() - deadline > 0) {
        throw new StoreException(
            "halt lock on db="
                + db.name
                + ": the replica did not reach the primary's position "
                + target
                + " within "
                + WAIT
                + " (at "
                + p
                + ")");
      }
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new StoreException("interrupted waiting for position " + target);
      }
      LockSupport.parkNanos(1_000_000);
    }
  }

  /** Releases the halt if {@code handle} holds it: local recovery, then the primary is told. */
  void release(long handle) {
    Held h;
    synchronized (this) {
      h = held;
      if (h == null || h.handle != handle) {
        return;
      }
      held = null;
      notifyAll();
    }
    try {
      db.rollBackHotJournal();
    } catch (IOException | RuntimeException e) {
      log.warn("halt release: local rollback failed: db={} reason={}", db.name, e.toString());
    }
    if (h.ready) {
      try {
        h.requester.release(db.name, h.id);
      } catch (IOException | RuntimeException e) {
        log.warn(
            "halt release not confirmed by the primary: db={} id={} reason={}",
            db.name,
            h.id,
            e.getMessage());
      }
    }
    log.info("halt lock released: db={} id={}", db.name, h.id);
  }

  /** Whether a halt is held (possibly lost): the files may be opened for writing. */
  synchronized boolean isHeld() {
    return held != null && held.ready;
  }

  /** Throws unless a valid halt is held. */
  synchronized void requireWritable() throws ReadOnlyReplicaException {
    if (held == null || !held.ready) {
      throw new ReadOnlyReplicaException(db.name);
    }
    if (held.lost == null && System.nanoTime() - held.deadline > 0) {
      held.lost =
          "expired: no activity for the primary's ttl of " + Duration.ofNanos(held.ttlNanos);
      log.warn("halt lock expired: db={} id={}", db.name, held.id);
    }
    if (held.lost != null) {
      throw new HaltLostException(db.name, held.lost);
    }
  }

  /** Marks a held halt lost (primary change). */
  synchronized void lose(String reason) {
    if (held != null && held.lost == null) {
      held.lost = reason;
      log.warn("halt lock lost: db={} id={} reason={}", db.name, held.id, reason);
    }
  }

  /**
   * Ships a committed LTX file before it is named; any failure aborts the commit. The local
   * deadline is not checked here: it only refuses new writes early, and the primary is the judge of
   * a transaction already written (a commit just past the local deadline is usually still inside
   * the primary's own expiry).
   */
  void beforeNamed(Path tmp) throws IOException {
    Held h;
    synchronized (this) {
      h = held;
      if (h == null || !h.ready) {
        throw new ReadOnlyReplicaException(db.name);
      }
      if (h.lost != null && !h.lost.startsWith(EXPIRED)) {
        throw new HaltLostException(db.name, h.lost);
      }
    }
    long sent = System.nanoTime();
    try {
      h.requester.commit(db.name, h.id, tmp);
    } catch (IOException e) {
      lose("the primary did not accept a transaction: " + e.getMessage());
      throw new HaltLostException(db.name, e.getMessage(), e);
    }
    synchronized (this) {
      h.deadline = sent + h.ttlNanos;
      if (h.lost != null && h.lost.startsWith(EXPIRED)) {
        h.lost = null;
      }
    }
  }
}

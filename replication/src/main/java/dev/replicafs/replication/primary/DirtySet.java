package dev.replicafs.replication.primary;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The names of the databases that changed since one subscriber last looked. A set, not a queue:
 * however slow the replica, memory is bounded by the number of databases, and the sender reads
 * every file it still needs from disk (LiteFS's {@code ChangeSetSubscriber} idea).
 */
public final class DirtySet implements AutoCloseable {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Set<String> names = new LinkedHashSet<>();
  private final Runnable onClose;
  private boolean closed;
  private boolean woken;

  DirtySet(Runnable onClose) {
    this.onClose = onClose;
  }

  /** Marks {@code db} dirty and wakes the waiting sender. */
  public void mark(String db) {
    lock.lock();
    try {
      if (!closed && names.add(db)) {
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits up to {@code timeout} for at least one dirty database and takes them all; returns an
   * empty set on time-out or when closed.
   */
  public Set<String> await(Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    lock.lock();
    try {
      while (names.isEmpty() && !closed && !woken && nanos > 0) {
        nanos = changed.awaitNanos(nanos);
      }
      woken = false;
      Set<String> out = new LinkedHashSet<>(names);
      names.clear();
      return out;
    } finally {
      lock.unlock();
    }
  }

  /** Wakes the waiting sender without marking anything (a control request is pending). */
  public void wake() {
    lock.lock();
    try {
      woken = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  /** Stops the subscription and wakes the sender; idempotent. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    onClose.run();
  }
}

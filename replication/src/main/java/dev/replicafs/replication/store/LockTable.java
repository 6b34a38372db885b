package dev.replicafs.replication.store;

import dev.replicafs.replication.sqlite.JournalMode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * In-process emulation of the POSIX record locks SQLite takes on one database, shared by every FUSE
 * lock owner (a process, per {@code fuse_file_info.lock_owner}) and by the store's own readers and
 * writers. The kernel never sees these locks: FUSE forwards {@code fcntl} requests here, so locks
 * taken through the mount by different processes exclude each other exactly as on a local file
 * system, and the store can lock out SQLite while it applies replicated changes.
 *
 * <h2>Lock bytes</h2>
 *
 * <table>
 * <caption>Bytes SQLite's unix VFS locks</caption>
 * <tr><th>File</th><th>Byte(s)</th><th>Name</th><th>Meaning</th></tr>
 * <tr><td>database</td><td>0x40000000</td><td>PENDING</td><td>shared for a moment by a reader
 *     getting SHARED; exclusive by a writer waiting for readers to leave (blocks new readers)</td></tr>
 * <tr><td>database</td><td>0x40000001</td><td>RESERVED</td><td>exclusive: the one writer that
 *     intends to write (readers continue)</td></tr>
 * <tr><td>database</td><td>0x40000002 +510</td><td>SHARED</td><td>shared by every reader;
 *     exclusive (with PENDING and RESERVED) = EXCLUSIVE, while the database file is written</td></tr>
 * <tr><td>-shm</td><td>120</td><td>WRITE</td><td>exclusive by the one WAL writer; its release ends
 *     a WAL transaction (see {@link LockListener})</td></tr>
 * <tr><td>-shm</td><td>121</td><td>CKPT</td><td>exclusive by a checkpointer</td></tr>
 * <tr><td>-shm</td><td>122</td><td>RECOVER</td><td>exclusive while the WAL index is rebuilt</td></tr>
 * <tr><td>-shm</td><td>123..127</td><td>READ0..READ4</td><td>shared by a WAL reader on its read
 *     mark; exclusive to change a read mark</td></tr>
 * <tr><td>-shm</td><td>128</td><td>DMS</td><td>dead-man switch: shared by every connection using
 *     the WAL index; exclusive by the first one, which (re)initialises it</td></tr>
 * </table>
 *
 * <h2>Rules</h2>
 *
 * <ul>
 *   <li>POSIX per byte: many READ holders or one WRITE holder. An owner never conflicts with
 *       itself: a request replaces the owner's own lock on the range (upgrade, downgrade, unlock of
 *       any sub-range). A request spanning several bytes is granted for all or none.
 *   <li>Bytes outside the windows above are tracked the same way, as ranges (SQLite never uses
 *       them). A length of 0 means "to the end of the file", as in {@code struct flock}.
 *   <li>{@link #query} ({@code F_GETLK}) reports the blocking lock with its true type and range:
 *       SQLite's DMS and RESERVED checks depend on it.
 *   <li>From LiteFS: a FUSE owner cannot take CKPT exclusively while another owner holds WRITE
 *       exclusively, so no checkpoint copies frames whose LTX file is not yet written.
 *   <li>Releasing an exclusive WRITE (an unlock covering byte 120, or {@link #releaseOwner}) by a
 *       FUSE owner calls the {@link LockListener}s first, outside the monitor, with the byte still
 *       held; then the byte is released. Internal owners and downgrades notify nobody.
 * </ul>
 *
 * <p>The store's {@link #acquireWriteLock} and {@link #acquireReadLock} take the bytes of a plan
 * ({@link LockStep}) one group at a time, keep what they got and wait on the monitor (no spinning)
 * until a release, up to a deadline. Taking PENDING before waiting for SHARED is what stops a
 * stream of SQLite readers from starving the store's writer.
 *
 * <p>Thread-safe; every operation holds the monitor briefly. The hot path (a few requests per
 * transaction) scans a short array of owners with bit operations on per-owner bit sets and
 * allocates nothing: owner states are pooled.
 */
public final class LockTable {
  private static final long EOF = LockOwners.EOF;

  private final String name;
  private final List<LockListener> listeners = new CopyOnWriteArrayList<>();
  private final LockOwners owners = new LockOwners();
  private long nextInternalId = 1;
  private int waiters;

  /** Creates an empty table for the database {@code name} (used in diagnostics only). */
  public LockTable(String name) {
    this.name = name;
  }

  /** Adds a listener for WAL WRITE lock releases. */
  public void addListener(LockListener listener) {
    listeners.add(listener);
  }

  /**
   * {@code F_SETLK} (and {@code F_SETLKW}, which SQLite never needs to block): grants or refuses
   * {@code kind} on [start, start+length) of {@code file} for {@code owner}, never waiting.
   *
   * @return true if granted (always for {@link LockKind#UNLOCK}), false on a conflict (EAGAIN)
   */
  public boolean tryLock(LockFile file, long owner, LockKind kind, long start, long length) {
    long end = end(start, length);
    if (kind == LockKind.UNLOCK) {
      unlock(file, owner, start, length);
      return true;
    }
    synchronized (this) {
      LockOwnerState self = owners.find(owner, false);
      if (owners.findConflict(file, self, false, kind, start, end, false) != null) {
        return false;
      }
      if (self == null) {
        self = owners.activate(owner, false);
      }
      LockOwners.apply(self, file, kind, start, end);
      if (kind == LockKind.READ) {
        wakeWaiters();
      }
      return true;
    }
  }

  /** Releases {@code owner}'s locks on [start, start+length) of {@code file}. */
  public void unlock(LockFile file, long owner, long start, long length) {
    long end = end(start, length);
    release(owner, file, start, end);
  }

  /**
   * Releases every lock of {@code owner} on both files (the owner is gone). When a process closes
   * one file, POSIX drops only its locks on that file: use {@code unlock(file, owner, 0, 0)} for a
   * FUSE flush of one handle.
   */
  public void releaseOwner(long owner) {
    release(owner, null, 0, EOF);
  }

  /**
   * {@code F_GETLK}: the lock that would block {@code kind} on [start, start+length) for {@code
   * owner}, or empty if the request would be granted.
   */
  public Optional<LockConflict> query(
      LockFile file, long owner, LockKind kind, long start, long length) {
    long end = end(start, length);
    if (kind == LockKind.UNLOCK) {
      return Optional.empty();
    }
    synchronized (this) {
      return Optional.ofNullable(
          owners.findConflict(file, owners.find(owner, false), false, kind, start, end, true));
    }
  }

  /** True if some owner (FUSE or internal) holds {@code offset} of {@code file} exclusively. */
  public synchronized boolean isWriteLocked(LockFile file, long offset) {
    return owners.anyWriteAt(file, offset);
  }

  /** The kind FUSE owner {@code owner} holds at {@code offset} of {@code file}, or UNLOCK. */
  public synchronized LockKind heldBy(long owner, LockFile file, long offset) {
    LockOwnerState s = owners.find(owner, false);
    LockKind k = s == null ? null : LockOwners.kindAt(s, file, offset);
    return k == null ? LockKind.UNLOCK : k;
  }

  /**
   * Takes the full write lock for the store (replica apply, recovery): see {@link LockStep#write}.
   *
   * @throws LockTimeoutException if not granted within {@code timeout}; nothing stays held
   */
  public LockGuard acquireWriteLock(JournalMode mode, Duration timeout)
      throws LockTimeoutException, InterruptedException {
    return acquire(LockStep.write(mode), timeout, "write lock (" + mode + ")");
  }

  /**
   * Takes a consistent read lock for the store (snapshots): see {@link LockStep#read}.
   *
   * @throws LockTimeoutException if not granted within {@code timeout}; nothing stays held
   */
  public LockGuard acquireReadLock(JournalMode mode, Duration timeout)
      throws LockTimeoutException, InterruptedException {
    return acquire(LockStep.read(mode), timeout, "read lock (" + mode + ")");
  }

  /** Lists every holder and its locks, e.g. {@code owner=1f: db:SHARED(R) shm:WRITE(W)}. */
  @Override
  public synchronized String toString() {
    StringBuilder sb = new StringBuilder("LockTable{db=").append(name).append(", holders=[");
    owners.describe(sb);
    return sb.append("], waiters=").append(waiters).append('}').toString();
  }

  void release(LockGuard guard) {
    synchronized (this) {
      if (guard.markClosed()) {
        releaseAll(guard.state());
      }
    }
  }

  private LockGuard acquire(List<LockStep> steps, Duration timeout, String what)
      throws LockTimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      LockOwnerState self = owners.activate(nextInternalId++, true);
      boolean[] done = new boolean[steps.size()];
      try {
        int group = 0;
        while (group < steps.size()) {
          int next = group;
          LockStep blocked = null;
          for (;
              next < steps.size() && steps.get(next).group() == steps.get(group).group();
              next++) {
            LockStep st = steps.get(next);
            if (done[next]) {
              continue;
            }
            if (st.kind() == LockKind.UNLOCK
                || owners.findConflict(
                        st.file(), self, true, st.kind(), st.start(), st.end(), false)
                    == null) {
              LockOwners.apply(self, st.file(), st.kind(), st.start(), st.end());
              done[next] = true;
            } else if (blocked == null) {
              blocked = st;
            }
          }
          if (blocked == null) {
            group = next;
            continue;
          }
          long remaining = deadline - System.nanoTime();
          if (remaining <= 0) {
            throw new LockTimeoutException(timeoutMessage(what, timeout, blocked, self));
          }
          waiters++;
          try {
            TimeUnit.NANOSECONDS.timedWait(this, remaining);
          } finally {
            waiters--;
          }
        }
        return new LockGuard(this, self, what);
      } catch (LockTimeoutException | InterruptedException | RuntimeException e) {
        releaseAll(self);
        throw e;
      }
    }
  }

  private String timeoutMessage(String what, Duration timeout, LockStep blocked, LockOwnerState s) {
    LockConflict c =
        owners.findConflict(
            blocked.file(), s, true, blocked.kind(), blocked.start(), blocked.end(), true);
    String holder =
        c == null
            ? "?"
            : (owners.find(c.owner(), true) != null ? "internal#" : "owner=")
                + Long.toHexString(c.owner());
    return what
        + " on db="
        + name
        + " not granted within "
        + timeout
        + ": "
        + LockBytes.rangeName(blocked.file(), blocked.start(), blocked.end())
        + " is held by "
        + holder
        + "; "
        + this;
  }

  /** Unlock [start, end) of {@code file} (all files if null), running the listener if needed. */
  private void release(long owner, LockFile file, long start, long end) {
    LockOwnerState s;
    synchronized (this) {
      s = awaitNotCommitting(owner);
      if (s == null) {
        return;
      }
      boolean coversWrite =
          (file == null || file == LockFile.SHM)
              && start <= LockBytes.WAL_WRITE
              && LockBytes.WAL_WRITE < end;
      if (!coversWrite
          || listeners.isEmpty()
          || LockOwners.kindAt(s, LockFile.SHM, LockBytes.WAL_WRITE) != LockKind.WRITE) {
        unlockRange(s, file, start, end);
        return;
      }
      s.committing = true;
    }
    try {
      for (LockListener l : listeners) {
        l.walWriteLockReleased(owner);
      }
    } finally {
      synchronized (this) {
        s.committing = false;
        unlockRange(s, file, start, end);
        wakeWaiters();
      }
    }
  }

  private void unlockRange(LockOwnerState s, LockFile file, long start, long end) {
    if (file == null) {
      releaseAll(s);
      return;
    }
    LockOwners.apply(s, file, LockKind.UNLOCK, start, end);
    owners.retireIfEmpty(s);
    wakeWaiters();
  }

  private void releaseAll(LockOwnerState s) {
    for (LockFile f : LockFile.values()) {
      LockOwners.apply(s, f, LockKind.UNLOCK, 0, EOF);
    }
    owners.retireIfEmpty(s);
    wakeWaiters();
  }

  /** Waits (uninterruptibly) while another thread runs the listener for {@code owner}. */
  private LockOwnerState awaitNotCommitting(long owner) {
    boolean interrupted = false;
    try {
      while (true) {
        LockOwnerState s = owners.find(owner, false);
        if (s == null || !s.committing) {
          return s;
        }
        waiters++;
        try {
          wait();
        } catch (InterruptedException e) {
          interrupted = true;
        } finally {
          waiters--;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void wakeWaiters() {
    if (waiters > 0) {
      notifyAll();
    }
  }

  private static long end(long start, long length) {
    if (start < 0 || length < 0) {
      throw new IllegalArgumentException("bad lock range start=" + start + " length=" + length);
    }
    if (length == 0 || start > EOF - length) {
      return EOF;
    }
    return start + length;
  }
}

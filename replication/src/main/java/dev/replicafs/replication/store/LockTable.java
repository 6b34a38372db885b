package dev.replicafs.replication.store;

import dev.replicafs.replication.sqlite.JournalMode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
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
  private static final long EOF = Long.MAX_VALUE;
  private static final LockConflict CONFLICT = new LockConflict(LockKind.WRITE, 0, 0, 0);

  private final String name;
  private final List<LockListener> listeners = new CopyOnWriteArrayList<>();
  private final ArrayDeque<LockOwnerState> pool = new ArrayDeque<>();
  private LockOwnerState[] active = new LockOwnerState[8];
  private int activeCount;
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
      LockOwnerState self = find(owner, false);
      if (findConflict(file, self, false, kind, start, end, false) != null) {
        return false;
      }
      if (self == null) {
        self = activate(owner, false);
      }
      apply(self, file, kind, start, end);
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

  /** Releases every lock of {@code owner} on both files (FUSE flush/release of its handle). */
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
          findConflict(file, find(owner, false), false, kind, start, end, true));
    }
  }

  /** True if some owner (FUSE or internal) holds {@code offset} of {@code file} exclusively. */
  public synchronized boolean isWriteLocked(LockFile file, long offset) {
    for (int i = 0; i < activeCount; i++) {
      if (kindAt(active[i], file, offset) == LockKind.WRITE) {
        return true;
      }
    }
    return false;
  }

  /** The kind FUSE owner {@code owner} holds at {@code offset} of {@code file}, or UNLOCK. */
  public synchronized LockKind heldBy(long owner, LockFile file, long offset) {
    LockOwnerState s = find(owner, false);
    LockKind k = s == null ? null : kindAt(s, file, offset);
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
    for (int i = 0; i < activeCount; i++) {
      if (i > 0) {
        sb.append("; ");
      }
      active[i].describe(sb);
    }
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
      LockOwnerState self = activate(nextInternalId++, true);
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
                || findConflict(st.file(), self, true, st.kind(), st.start(), st.end(), false)
                    == null) {
              apply(self, st.file(), st.kind(), st.start(), st.end());
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
        findConflict(blocked.file(), s, true, blocked.kind(), blocked.start(), blocked.end(), true);
    String holder =
        c == null
            ? "?"
            : (find(c.owner(), true) != null ? "internal#" : "owner=")
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
          || kindAt(s, LockFile.SHM, LockBytes.WAL_WRITE) != LockKind.WRITE) {
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
    apply(s, file, LockKind.UNLOCK, start, end);
    retireIfEmpty(s);
    wakeWaiters();
  }

  private void releaseAll(LockOwnerState s) {
    for (LockFile f : LockFile.values()) {
      apply(s, f, LockKind.UNLOCK, 0, EOF);
    }
    retireIfEmpty(s);
    wakeWaiters();
  }

  /** Waits (uninterruptibly) while another thread runs the listener for {@code owner}. */
  private LockOwnerState awaitNotCommitting(long owner) {
    boolean interrupted = false;
    try {
      while (true) {
        LockOwnerState s = find(owner, false);
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

  /**
   * The first lock of another owner that blocks {@code kind} on [start, end) of {@code file}, or
   * null. Without {@code describe} any conflict is reported as a shared marker (no allocation).
   */
  private LockConflict findConflict(
      LockFile f,
      LockOwnerState self,
      boolean internal,
      LockKind kind,
      long start,
      long end,
      boolean describe) {
    long ws = f.windowStart();
    long we = f.windowEnd();
    if (start < ws) {
      LockConflict c = outsideConflict(f, self, kind, start, Math.min(end, ws), describe);
      if (c != null) {
        return c;
      }
    }
    long lo = Math.max(start, ws);
    long hi = Math.min(end, we);
    if (lo < hi) {
      LockOwnerState best = null;
      int bestBit = Integer.MAX_VALUE;
      for (int i = 0; i < activeCount; i++) {
        LockOwnerState s = active[i];
        if (s != self) {
          int bit = s.firstWindowConflict(f, kind, (int) (lo - ws), (int) (hi - ws));
          if (bit >= 0 && bit < bestBit) {
            if (!describe) {
              return CONFLICT;
            }
            best = s;
            bestBit = bit;
          }
        }
      }
      if (best != null) {
        return describeWindowRun(f, best, bestBit);
      }
    }
    if (end > we) {
      LockConflict c = outsideConflict(f, self, kind, Math.max(start, we), end, describe);
      if (c != null) {
        return c;
      }
    }
    if (f == LockFile.SHM
        && !internal
        && kind == LockKind.WRITE
        && start <= LockBytes.WAL_CKPT
        && LockBytes.WAL_CKPT < end) {
      for (int i = 0; i < activeCount; i++) {
        LockOwnerState s = active[i];
        if (s != self && kindAt(s, LockFile.SHM, LockBytes.WAL_WRITE) == LockKind.WRITE) {
          return describe
              ? new LockConflict(LockKind.WRITE, LockBytes.WAL_CKPT, 1, s.id)
              : CONFLICT;
        }
      }
    }
    return null;
  }

  private LockConflict outsideConflict(
      LockFile f, LockOwnerState self, LockKind kind, long start, long end, boolean describe) {
    for (int i = 0; i < activeCount; i++) {
      LockOwnerState s = active[i];
      LockRanges o = s == self ? null : s.outside(f, false);
      LockRanges.Range r = o == null ? null : o.firstConflict(kind, start, end);
      if (r != null) {
        long length = r.end() == EOF ? 0 : r.end() - r.start();
        return describe ? new LockConflict(r.kind(), r.start(), length, s.id) : CONFLICT;
      }
    }
    return null;
  }

  private static LockConflict describeWindowRun(LockFile f, LockOwnerState s, int bit) {
    LockKind k = s.windowKind(f, bit);
    int len = (int) (f.windowEnd() - f.windowStart());
    int lo = bit;
    int hi = bit + 1;
    while (lo > 0 && s.windowKind(f, lo - 1) == k) {
      lo--;
    }
    while (hi < len && s.windowKind(f, hi) == k) {
      hi++;
    }
    return new LockConflict(k, f.windowStart() + lo, hi - lo, s.id);
  }

  private static LockKind kindAt(LockOwnerState s, LockFile f, long offset) {
    if (offset >= f.windowStart() && offset < f.windowEnd()) {
      return s.windowKind(f, (int) (offset - f.windowStart()));
    }
    LockRanges o = s.outside(f, false);
    return o == null ? null : o.kindAt(offset);
  }

  private static void apply(LockOwnerState s, LockFile f, LockKind kind, long start, long end) {
    long ws = f.windowStart();
    long we = f.windowEnd();
    long lo = Math.max(start, ws);
    long hi = Math.min(end, we);
    if (lo < hi) {
      s.setWindow(f, kind, (int) (lo - ws), (int) (hi - ws));
    }
    boolean create = kind != LockKind.UNLOCK;
    if (start < ws) {
      LockRanges o = s.outside(f, create);
      if (o != null) {
        o.set(kind, start, Math.min(end, ws));
      }
    }
    if (end > we) {
      LockRanges o = s.outside(f, create);
      if (o != null) {
        o.set(kind, Math.max(start, we), end);
      }
    }
  }

  private LockOwnerState find(long owner, boolean internal) {
    for (int i = 0; i < activeCount; i++) {
      LockOwnerState s = active[i];
      if (s.id == owner && s.internal == internal) {
        return s;
      }
    }
    return null;
  }

  private LockOwnerState activate(long owner, boolean internal) {
    LockOwnerState s = pool.isEmpty() ? new LockOwnerState() : pool.pop();
    s.reset(owner, internal);
    if (activeCount == active.length) {
      active = Arrays.copyOf(active, activeCount * 2);
    }
    active[activeCount++] = s;
    return s;
  }

  private void retireIfEmpty(LockOwnerState s) {
    if (s.committing || !s.isEmpty()) {
      return;
    }
    for (int i = 0; i < activeCount; i++) {
      if (active[i] == s) {
        active[i] = active[--activeCount];
        active[activeCount] = null;
        pool.push(s);
        return;
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

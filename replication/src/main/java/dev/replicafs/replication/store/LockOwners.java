package dev.replicafs.replication.store;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The owners that currently hold locks in a {@link LockTable}, and the POSIX conflict and update
 * rules over them. A short array scanned linearly (a database has a handful of lock owners); states
 * of owners that hold nothing any more go back to a pool, so steady traffic allocates nothing. Not
 * thread-safe: every call is made under the table's monitor.
 */
final class LockOwners {
  static final long EOF = Long.MAX_VALUE;

  /** Returned instead of a described conflict when the caller only needs yes or no. */
  private static final LockConflict CONFLICT = new LockConflict(LockKind.WRITE, 0, 0, 0);

  private final ArrayDeque<LockOwnerState> pool = new ArrayDeque<>();
  private LockOwnerState[] active = new LockOwnerState[8];
  private int activeCount;

  /** True if any owner holds {@code offset} of {@code f} exclusively. */
  boolean anyWriteAt(LockFile f, long offset) {
    for (int i = 0; i < activeCount; i++) {
      if (kindAt(active[i], f, offset) == LockKind.WRITE) {
        return true;
      }
    }
    return false;
  }

  /** Appends every holder, separated by "; ". */
  void describe(StringBuilder sb) {
    for (int i = 0; i < activeCount; i++) {
      if (i > 0) {
        sb.append("; ");
      }
      active[i].describe(sb);
    }
  }

  /**
   * The first lock of another owner than {@code self} that blocks {@code kind} on [start, end) of
   * {@code file}, or null. For a FUSE request ({@code internal} false) a WRITE on CKPT is also
   * blocked by another owner's exclusive WRITE (see {@link LockTable}). Without {@code describe}
   * any conflict is reported as a shared marker (no allocation).
   */
  LockConflict findConflict(
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

  static LockKind kindAt(LockOwnerState s, LockFile f, long offset) {
    if (offset >= f.windowStart() && offset < f.windowEnd()) {
      return s.windowKind(f, (int) (offset - f.windowStart()));
    }
    LockRanges o = s.outside(f, false);
    return o == null ? null : o.kindAt(offset);
  }

  static void apply(LockOwnerState s, LockFile f, LockKind kind, long start, long end) {
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

  LockOwnerState find(long owner, boolean internal) {
    for (int i = 0; i < activeCount; i++) {
      LockOwnerState s = active[i];
      if (s.id == owner && s.internal == internal) {
        return s;
      }
    }
    return null;
  }

  LockOwnerState activate(long owner, boolean internal) {
    LockOwnerState s = pool.isEmpty() ? new LockOwnerState() : pool.pop();
    s.reset(owner, internal);
    if (activeCount == active.length) {
      active = Arrays.copyOf(active, activeCount * 2);
    }
    active[activeCount++] = s;
    return s;
  }

  void retireIfEmpty(LockOwnerState s) {
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
}

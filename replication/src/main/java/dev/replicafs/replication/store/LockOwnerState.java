package dev.replicafs.replication.store;

import java.util.Arrays;

/**
 * The locks one owner holds on both files: a read and a write bit set over each file's window (bit
 * i is byte {@code windowStart + i}; a byte is never in both) and {@link LockRanges} for bytes
 * outside the windows. Instances are pooled by the table so the FUSE hot path allocates nothing.
 * Not thread-safe: guarded by the table's monitor.
 */
final class LockOwnerState {
  long id;
  boolean internal;

  /** True while the table runs the WAL-commit listener for this owner (see LockTable). */
  boolean committing;

  private final long[][] read = new long[LockFile.values().length][];
  private final long[][] write = new long[LockFile.values().length][];
  private final LockRanges[] outside = new LockRanges[LockFile.values().length];

  LockOwnerState() {
    for (LockFile f : LockFile.values()) {
      read[f.ordinal()] = new long[f.words()];
      write[f.ordinal()] = new long[f.words()];
    }
  }

  void reset(long newId, boolean isInternal) {
    this.id = newId;
    this.internal = isInternal;
    this.committing = false;
    for (LockFile f : LockFile.values()) {
      Arrays.fill(read[f.ordinal()], 0);
      Arrays.fill(write[f.ordinal()], 0);
      if (outside[f.ordinal()] != null) {
        outside[f.ordinal()].clear();
      }
    }
  }

  boolean isEmpty() {
    for (LockFile f : LockFile.values()) {
      if (!zero(read[f.ordinal()]) || !zero(write[f.ordinal()])) {
        return false;
      }
      LockRanges o = outside[f.ordinal()];
      if (o != null && !o.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Lowest window bit in [lo, hi) where this owner's locks conflict with {@code kind} (a WRITE
   * request conflicts with any lock, a READ request with a WRITE lock), or -1.
   */
  int firstWindowConflict(LockFile f, LockKind kind, int lo, int hi) {
    long[] w = write[f.ordinal()];
    long[] r = read[f.ordinal()];
    for (int word = lo >>> 6, last = (hi - 1) >>> 6; word <= last; word++) {
      long held = kind == LockKind.WRITE ? w[word] | r[word] : w[word];
      long hit = held & mask(word, lo, hi);
      if (hit != 0) {
        return (word << 6) + Long.numberOfTrailingZeros(hit);
      }
    }
    return -1;
  }

  /** Kind held at window bit {@code bit}, or null. */
  LockKind windowKind(LockFile f, int bit) {
    long m = 1L << (bit & 63);
    if ((write[f.ordinal()][bit >>> 6] & m) != 0) {
      return LockKind.WRITE;
    }
    return (read[f.ordinal()][bit >>> 6] & m) != 0 ? LockKind.READ : null;
  }

  /** Sets window bits [lo, hi) to {@code kind} (UNLOCK clears). */
  void setWindow(LockFile f, LockKind kind, int lo, int hi) {
    long[] w = write[f.ordinal()];
    long[] r = read[f.ordinal()];
    for (int word = lo >>> 6, last = (hi - 1) >>> 6; word <= last; word++) {
      long m = mask(word, lo, hi);
      w[word] = kind == LockKind.WRITE ? w[word] | m : w[word] & ~m;
      r[word] = kind == LockKind.READ ? r[word] | m : r[word] & ~m;
    }
  }

  /** This owner's ranges outside the window of {@code f}; created on first use if asked. */
  LockRanges outside(LockFile f, boolean create) {
    LockRanges o = outside[f.ordinal()];
    if (o == null && create) {
      o = new LockRanges();
      outside[f.ordinal()] = o;
    }
    return o;
  }

  /** Appends this owner's locks as "NAME(R) NAME(W) ..." runs. */
  void describe(StringBuilder sb) {
    sb.append(internal ? "internal#" + id : "owner=" + Long.toHexString(id)).append(':');
    for (LockFile f : LockFile.values()) {
      int len = (int) (f.windowEnd() - f.windowStart());
      int bit = 0;
      while (bit < len) {
        LockKind k = windowKind(f, bit);
        int end = bit + 1;
        while (end < len && k != null && windowKind(f, end) == k) {
          end++;
        }
        if (k != null) {
          appendRun(sb, f, f.windowStart() + bit, f.windowStart() + end, k);
        }
        bit = end;
      }
      LockRanges o = outside[f.ordinal()];
      if (o != null) {
        for (LockRanges.Range r : o.ranges()) {
          appendRun(sb, f, r.start(), r.end(), r.kind());
        }
      }
    }
  }

  private static void appendRun(StringBuilder sb, LockFile f, long start, long end, LockKind k) {
    sb.append(' ')
        .append(f == LockFile.DATABASE ? "db:" : "shm:")
        .append(LockBytes.rangeName(f, start, end))
        .append(k == LockKind.WRITE ? "(W)" : "(R)");
  }

  /** Bits of word {@code word} that fall in [lo, hi). */
  private static long mask(int word, int lo, int hi) {
    int base = word << 6;
    long m = -1L;
    if (lo > base) {
      m &= -1L << (lo - base);
    }
    if (hi < base + 64) {
      m &= -1L >>> (64 - (hi - base));
    }
    return m;
  }

  private static boolean zero(long[] words) {
    for (long w : words) {
      if (w != 0) {
        return false;
      }
    }
    return true;
  }
}

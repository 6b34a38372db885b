package dev.replicafs.replication.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One owner's locks on the bytes of a file outside its per-byte window: sorted, non-overlapping
 * ranges [start, end) with a kind, merged when adjacent and of the same kind. SQLite never locks
 * these bytes, so this is simple rather than fast. Not thread-safe: guarded by the table.
 */
final class LockRanges {
  /** One held range; {@code end == Long.MAX_VALUE} means to the end of the file. */
  record Range(long start, long end, LockKind kind) {}

  private List<Range> ranges = new ArrayList<>();

  boolean isEmpty() {
    return ranges.isEmpty();
  }

  List<Range> ranges() {
    return ranges;
  }

  /** The first range of this owner that conflicts with {@code kind} on [start, end), or null. */
  Range firstConflict(LockKind kind, long start, long end) {
    for (Range r : ranges) {
      if (r.start() < end
          && start < r.end()
          && (kind == LockKind.WRITE || r.kind() == LockKind.WRITE)) {
        return r;
      }
    }
    return null;
  }

  /** The kind held at {@code offset}, or null. */
  LockKind kindAt(long offset) {
    for (Range r : ranges) {
      if (r.start() <= offset && offset < r.end()) {
        return r.kind();
      }
    }
    return null;
  }

  /** Sets [start, end) to {@code kind} (UNLOCK removes), POSIX style: replaces what was there. */
  void set(LockKind kind, long start, long end) {
    List<Range> next = new ArrayList<>(ranges.size() + 2);
    for (Range r : ranges) {
      if (r.end() <= start || end <= r.start()) {
        next.add(r);
        continue;
      }
      if (r.start() < start) {
        next.add(new Range(r.start(), start, r.kind()));
      }
      if (end < r.end()) {
        next.add(new Range(end, r.end(), r.kind()));
      }
    }
    if (kind != LockKind.UNLOCK) {
      next.add(new Range(start, end, kind));
    }
    next.sort(Comparator.comparingLong(Range::start));
    List<Range> merged = new ArrayList<>(next.size());
    for (Range r : next) {
      Range last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
      if (last != null && last.end() == r.start() && last.kind() == r.kind()) {
        merged.set(merged.size() - 1, new Range(last.start(), r.end(), r.kind()));
      } else {
        merged.add(r);
      }
    }
    ranges = merged;
  }

  void clear() {
    ranges.clear();
  }
}

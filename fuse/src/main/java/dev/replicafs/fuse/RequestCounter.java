package dev.replicafs.fuse;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts FUSE requests per operation, so a benchmark can report requests per transaction. */
public final class RequestCounter {
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  /** Counts one request of operation {@code op}. */
  public void count(String op) {
    counts.computeIfAbsent(op, k -> new LongAdder()).increment();
  }

  /** A sorted copy of the counts so far. */
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new TreeMap<>();
    counts.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  /** The total of all operations. */
  public long total() {
    return counts.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Sets every count back to zero. */
  public void reset() {
    counts.values().forEach(LongAdder::reset);
  }
}

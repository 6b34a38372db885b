package dev.replicafs.replication.sync;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * Synchronous replication's metrics (docs/SYNC.md, "State machine"): {@code
 * replicafs_sync_degraded}, {@code replicafs_sync_timeouts_total{fallback}} and {@code
 * replicafs_sync_commits_total{outcome}}. Counting is lock-free; registering is optional (a gate
 * without a node server still counts).
 */
final class SyncMetrics {
  private final Map<String, LongAdder> timeouts = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> commits = new ConcurrentHashMap<>();

  void timeout(SyncOptions.Fallback fallback) {
    timeouts.computeIfAbsent(fallback.name().toLowerCase(), k -> new LongAdder()).increment();
  }

  void commit(String outcome) {
    commits.computeIfAbsent(outcome, k -> new LongAdder()).increment();
  }

  long commits(String outcome) {
    LongAdder a = commits.get(outcome);
    return a == null ? 0 : a.sum();
  }

  long timeouts(SyncOptions.Fallback fallback) {
    LongAdder a = timeouts.get(fallback.name().toLowerCase());
    return a == null ? 0 : a.sum();
  }

  void register(PrometheusRegistry registry, BooleanSupplier degraded) {
    GaugeWithCallback.builder()
        .name("replicafs_sync_degraded")
        .help("1 while synchronous replication is degraded to asynchronous")
        .callback(cb -> cb.call(degraded.getAsBoolean() ? 1 : 0))
        .register(registry);
    counter(
        registry,
        "replicafs_sync_timeouts",
        "Commits not acknowledged in time",
        timeouts,
        "fallback");
    counter(
        registry, "replicafs_sync_commits", "Commits through the sync gate", commits, "outcome");
  }

  private static void counter(
      PrometheusRegistry registry,
      String name,
      String help,
      Map<String, LongAdder> values,
      String label) {
    CounterWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames(label)
        .callback(cb -> values.forEach((k, v) -> cb.call(v.sum(), k)))
        .register(registry);
  }
}

package dev.replicafs.replication.http;

import dev.replicafs.replication.ltx.LtxFileName;
import dev.replicafs.replication.primary.ChangeFeed;
import dev.replicafs.replication.primary.FrameObserver;
import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.PositionEvent;
import dev.replicafs.replication.store.PositionListener;
import dev.replicafs.replication.store.Store;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The node's Prometheus metrics, in a registry of its own (several nodes may share a JVM in tests).
 * Each LiteFS metric a LiteFS dashboard graphs is exported twice, as {@code replicafs_<x>} and as
 * LiteFS's {@code litefs_<x>} with the same labels and meaning (docs/PROTOCOL.md, "Metrics"). The
 * Java client always appends {@code _total} to counters, so the {@code litefs_} copies of LiteFS's
 * counters ({@code litefs_db_commit_count}, {@code litefs_http_frame_send_count}) are exposed as
 * monotonic gauges under LiteFS's exact names; {@code rate()} works on them unchanged.
 */
public final class NodeMetrics implements PositionListener, FrameObserver {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final AtomicInteger streams = new AtomicInteger();
  private final Map<List<String>, LongAdder> commits = new ConcurrentHashMap<>();
  private final Map<List<String>, LongAdder> applies = new ConcurrentHashMap<>();
  private final Map<List<String>, LongAdder> sent = new ConcurrentHashMap<>();
  private final Map<List<String>, LongAdder> sentBytes = new ConcurrentHashMap<>();

  NodeMetrics(Store store, ChangeFeed feed, RoleView role) {
    gauge(
        "is_primary", "Primary status of the node (1/0)", cb -> cb.call(role.isPrimary() ? 1 : 0));
    gauge("db_count", "Number of managed databases", cb -> cb.call(store.dbs().size()));
    gauge(
        "subscriber_count",
        "Number of connected replica streams",
        cb -> cb.call(feed.subscriberCount()));
    gauge("http_stream_count", "Streams currently connected", cb -> cb.call(streams.get()));
    gauge(
        "lag_seconds",
        "Lag behind the primary (0 on the primary)",
        cb -> cb.call(role.lag().toMillis() / 1000.0));
    perDb(store, "db_txid", "Current TXID", (db, cb) -> cb.call(db.pos().txid(), db.name()));
    perDb(
        store,
        "db_ltx_count",
        "LTX files on disk",
        (db, cb) -> cb.call(ltxFiles(db).size(), db.name()));
    perDb(
        store,
        "db_ltx_bytes",
        "Bytes of LTX files on disk",
        (db, cb) -> cb.call(ltxBytes(db), db.name()));
    counter("replicafs_db_commit_count", "Database commits on this node", commits, "db");
    counter("replicafs_db_apply_count", "LTX files applied from the primary", applies, "db");
    counter("replicafs_stream_ltx_sent", "LTX files sent to replicas", sent, "db", "type");
    counter("replicafs_stream_ltx_sent_bytes", "LTX bytes sent to replicas", sentBytes, "db");
    monotonicGauge("litefs_db_commit_count", "Database commits", commits, "db");
    monotonicGauge("litefs_http_frame_send_count", "Frames sent", sent, "db", "type");
  }

  @Override
  public void positionChanged(PositionEvent event) {
    if (event.cause() == PositionEvent.Cause.COMMIT) {
      // a file the primary merged several commits into counts each of them
      var h = event.header();
      long n = h == null || h.minTxid() == 1 ? 1 : h.maxTxid() - h.minTxid() + 1;
      add(commits, n, event.db());
    } else if (event.cause() == PositionEvent.Cause.APPLY) {
      add(applies, 1, event.db());
    }
  }

  @Override
  public void ltxSent(String db, boolean snapshot, long bytes) {
    add(sent, 1, db, snapshot ? "ltx:snapshot" : "ltx");
    add(sentBytes, bytes, db);
  }

  void streamOpened() {
    streams.incrementAndGet();
  }

  void streamClosed() {
    streams.decrementAndGet();
  }

  /** The registry, for components that add their own metrics (synchronous replication). */
  PrometheusRegistry registry() {
    return registry;
  }

  /** Writes the Prometheus text format. */
  void write(OutputStream out) throws IOException {
    new PrometheusTextFormatWriter(false).write(out, registry.scrape());
  }

  private static void add(Map<List<String>, LongAdder> map, long n, String... labels) {
    map.computeIfAbsent(List.of(labels), k -> new LongAdder()).add(n);
  }

  private void counter(
      String name, String help, Map<List<String>, LongAdder> values, String... labels) {
    CounterWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames(labels)
        .callback(cb -> values.forEach((k, v) -> cb.call(v.sum(), k.toArray(String[]::new))))
        .register(registry);
  }

  private void monotonicGauge(
      String name, String help, Map<List<String>, LongAdder> values, String... labels) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames(labels)
        .callback(cb -> values.forEach((k, v) -> cb.call(v.sum(), k.toArray(String[]::new))))
        .register(registry);
  }

  private void gauge(String name, String help, Consumer<GaugeWithCallback.Callback> cb) {
    for (String prefix : List.of("replicafs_", "litefs_")) {
      GaugeWithCallback.builder().name(prefix + name).help(help).callback(cb).register(registry);
    }
  }

  private void perDb(
      Store store, String name, String help, BiConsumer<Db, GaugeWithCallback.Callback> each) {
    for (String prefix : List.of("replicafs_", "litefs_")) {
      GaugeWithCallback.builder()
          .name(prefix + name)
          .help(help)
          .labelNames("db")
          .callback(cb -> store.dbs().forEach(db -> each.accept(db, cb)))
          .register(registry);
    }
  }

  private static List<LtxFileName> ltxFiles(Db db) {
    try {
      return db.ltxFiles();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static long ltxBytes(Db db) {
    long total = 0;
    for (LtxFileName n : ltxFiles(db)) {
      try {
        total += Files.size(db.ltxPath(n));
      } catch (IOException e) {
        // removed by retention between the listing and the stat: not on disk any more
      }
    }
    return total;
  }
}

package dev.replicafs.cmd.bench;

import dev.replicafs.replication.http.NodeClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;

/** The workloads that need the cluster itself: replication lag and snapshot bootstrap. */
final class ClusterWorkloads {
  /** Lag percentiles at a target rate, with the rate achieved and the number of samples. */
  record LagResult(
      int targetPerSecond,
      double achievedPerSecond,
      int samples,
      double p50Ms,
      double p99Ms,
      double maxMs) {}

  /** A fresh replica's bootstrap of a database of {@code bytes}, then its store reopened. */
  record SnapshotResult(long bytes, double bootstrapMBs, double reopenMillis) {}

  private ClusterWorkloads() {}

  /**
   * Single-row UPDATE transactions (WAL+NORMAL) on the primary's mount, paced at {@code rate} for
   * {@code seconds} (open loop: a late transaction starts at once). Lag of a TXID = the instant the
   * replica recorded it minus the instant the primary recorded it, both by the nodes' own position
   * listeners on the shared monotonic clock. A replica that applied a compacted file covering
   * several TXIDs counts each from its own commit instant.
   */
  static LagResult lag(NodeHandle primary, List<NodeHandle> replicas, int rate, int seconds)
      throws Exception {
    String name = "lag-" + rate + ".db";
    Path db = primary.mount.resolve(name);
    int total = rate * seconds;
    long elapsed;
    long setup;
    try (Connection c = SqlWorkloads.open(db);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA synchronous=NORMAL");
      s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)");
      s.execute("INSERT INTO t(id, v) " + series(20) + " SELECT x, randomblob(100) FROM c");
      awaitConverged(primary, replicas, name, Duration.ofSeconds(60));
      setup = primary.txid(name);
      primary.events(name);
      for (NodeHandle r : replicas) {
        r.events(name);
      }
      try (PreparedStatement up =
          c.prepareStatement("UPDATE t SET v = randomblob(100) WHERE id = ?")) {
        long period = 1_000_000_000L / rate;
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
          long due = start + i * period;
          long wait;
          while ((wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
          }
          up.setInt(1, 1 + i % 20);
          up.executeUpdate();
        }
        elapsed = System.nanoTime() - start;
      }
    }
    awaitConverged(primary, replicas, name, Duration.ofSeconds(120));
    // A setup TXID's named event can come after the drain above (files are named after the commit
    // returns): only the workload's own TXIDs are measured.
    Map<Long, Long> committed = new java.util.TreeMap<>(primary.events(name));
    committed.keySet().removeIf(txid -> txid <= setup);
    SqlWorkloads.expect(committed.size(), total, "transactions recorded by the primary");
    List<Long> lags = new ArrayList<>();
    for (NodeHandle r : replicas) {
      TreeMap<Long, Long> applied = new TreeMap<>(r.events(name));
      for (Map.Entry<Long, Long> e : committed.entrySet()) {
        Map.Entry<Long, Long> at = applied.ceilingEntry(e.getKey());
        if (at == null) {
          throw new IllegalStateException("replica never reached txid " + e.getKey());
        }
        lags.add(at.getValue() - e.getValue());
      }
    }
    long[] sorted = lags.stream().mapToLong(Long::longValue).sorted().toArray();
    return new LagResult(
        rate,
        total / (elapsed / 1e9),
        sorted.length,
        SqlWorkloads.pct(sorted, 0.50) / 1e6,
        SqlWorkloads.pct(sorted, 0.99) / 1e6,
        sorted[sorted.length - 1] / 1e6);
  }

  /**
   * Makes a database of about {@code mib} MiB (4,000-byte random blobs) on the raw disk, imports it
   * into {@code primary} (POST /import), starts a fresh replica node and times how long it takes to
   * reach the primary's position (receive, verify, apply, fsync); then restarts that replica and
   * reports its store open time (startup recovery including the from-scratch checksum).
   */
  static SnapshotResult snapshot(
      NodeHandle primary, Path work, int mib, long replicaId, NodeSettings settings)
      throws Exception {
    Path file = work.resolve("snapshot-source.db");
    Files.deleteIfExists(file);
    try (Connection c = SqlWorkloads.open(file);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA page_size=4096");
      s.execute("PRAGMA journal_mode=OFF");
      s.execute("PRAGMA synchronous=OFF");
      s.execute("CREATE TABLE b(x BLOB)");
      s.execute("BEGIN");
      s.execute("INSERT INTO b " + series((long) mib * 256) + " SELECT randomblob(4000) FROM c");
      s.execute("COMMIT");
    }
    long bytes = Files.size(file);
    new NodeClient(URI.create(primary.url), 99).importDatabase("snap.db", file);
    Files.delete(file);
    long target = primary.txid("snap.db");
    Path data = work.resolve("fresh-replica-data");
    Path mnt = work.resolve("fresh-replica-mnt");
    double mbs;
    try (NodeHandle fresh = NodeHandle.start(data, mnt, replicaId, settings)) {
      long t0 = System.nanoTime();
      fresh.command("follow " + primary.url);
      await(() -> fresh.txid("snap.db") >= target, Duration.ofMinutes(30), "bootstrap");
      mbs = bytes / 1e6 / ((System.nanoTime() - t0) / 1e9);
    }
    try (NodeHandle reopened = NodeHandle.start(data, mnt, replicaId, settings)) {
      SqlWorkloads.expect(reopened.txid("snap.db"), target, "position after reopen");
      return new SnapshotResult(bytes, mbs, reopened.openMillis);
    }
  }

  /** A CTE {@code c(x)} counting 1..n (no extension needed). */
  static String series(long n) {
    return "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < " + n + ")";
  }

  static void awaitConverged(
      NodeHandle primary, List<NodeHandle> replicas, String db, Duration timeout) throws Exception {
    long target = primary.txid(db);
    for (NodeHandle r : replicas) {
      await(() -> r.txid(db) >= target, timeout, db + " on replica");
    }
  }

  interface Check {
    boolean ok() throws Exception;
  }

  static void await(Check check, Duration timeout, String what) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!check.ok()) {
      if (System.nanoTime() > deadline) {
        throw new IOException("timed out after " + timeout + " waiting for " + what);
      }
      LockSupport.parkNanos(2_000_000);
    }
  }
}

package dev.replicafs.replication.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.replication.http.NodeClient;
import dev.replicafs.replication.ltx.LtxHeader;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.PositionEvent;
import dev.replicafs.replication.store.SqliteWorkload;
import dev.replicafs.replication.store.SqliteWorkload.Mode;
import dev.replicafs.replication.stream.PositionMap;
import dev.replicafs.replication.stream.StreamFrame;
import dev.replicafs.replication.stream.StreamReader;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replication benchmarks (not tests: they print numbers for docs/BENCHMARKS.md and check only that
 * the replicas converged). Run:
 *
 * <pre>
 * mvn -q -pl replication -am test -Plong -Dtest=ReplicationBenchmark \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dbench.snapshotMiB=1024
 * </pre>
 */
@Tag("long")
class ReplicationBenchmark {
  @TempDir Path tmp;

  @Test
  void replicationLagAt200And1000TxPerSecondWithTwoReplicas() throws Exception {
    for (int rate : new int[] {200, 1000}) {
      Path dir = tmp.resolve("lag-" + rate);
      try (TestNode p = TestNode.open(dir.resolve("p"), 1);
          TestNode r1 = TestNode.open(dir.resolve("r1"), 2);
          TestNode r2 = TestNode.open(dir.resolve("r2"), 3)) {
        p.node.becomePrimary();
        r1.node.becomeReplica(p.info());
        r2.node.becomeReplica(p.info());
        Map<Long, Long> committed = new ConcurrentHashMap<>();
        List<Map<Long, Long>> applied = new ArrayList<>();
        for (TestNode r : List.of(r1, r2)) {
          Map<Long, Long> m = new ConcurrentHashMap<>();
          r.store.addListener((PositionEvent e) -> m.put(e.pos().txid(), System.nanoTime()));
          applied.add(m);
        }
        Db db = p.store.create("bench.db");
        Map<Long, Long> received = new ConcurrentHashMap<>();
        Thread raw = rawSubscriber(p, received);
        int seconds = 10;
        int total = rate * seconds;
        long achievedNanos;
        try (SqliteWorkload w = SqliteWorkload.start(db, dir.resolve("w"), Mode.DELETE, 1, true)) {
          w.exec("PRAGMA synchronous=OFF");
          for (int i = 0; i < 20; i++) {
            w.tx("INSERT INTO t(id, v) VALUES(" + i + ", randomblob(100))");
          }
          ReplicationTest.awaitConverged(p, "bench.db", r1, r2);
          long period = 1_000_000_000L / rate;
          long start = System.nanoTime();
          for (int i = 0; i < total; i++) {
            long due = start + i * period;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
              LockSupport.parkNanos(wait);
            }
            w.tx("UPDATE t SET v = randomblob(100) WHERE id = " + (i % 20));
            committed.put(db.pos().txid(), System.nanoTime());
          }
          achievedNanos = System.nanoTime() - start;
        }
        ReplicationTest.awaitConverged(p, "bench.db", r1, r2);
        List<Long> lags = new ArrayList<>();
        for (Map<Long, Long> m : applied) {
          committed.forEach(
              (txid, at) -> {
                Long done = m.get(txid);
                if (done != null) {
                  lags.add(done - at);
                }
              });
        }
        Collections.sort(lags);
        assertThat(lags).hasSize(2 * total);
        Await.until(
            "raw subscriber received every frame",
            () -> received.keySet().containsAll(committed.keySet()));
        raw.interrupt();
        List<Long> wire = new ArrayList<>();
        committed.forEach((txid, at) -> wire.add(received.get(txid) - at));
        Collections.sort(wire);
        System.out.printf(
            "  transport only (commit to LTX frame fully received by a third, non-applying"
                + " subscriber): p50=%.2f ms p99=%.2f ms%n",
            pct(wire, 0.50) / 1e6, pct(wire, 0.99) / 1e6);
        System.out.printf(
            "replication lag @%d tx/s target (achieved %.0f tx/s, %d tx, 2 replicas): p50=%.2f ms"
                + " p99=%.2f ms max=%.2f ms%n",
            rate,
            total / (achievedNanos / 1e9),
            total,
            pct(lags, 0.50) / 1e6,
            pct(lags, 0.99) / 1e6,
            lags.get(lags.size() - 1) / 1e6);
      }
    }
  }

  @Test
  void snapshotTransferOfALargeDatabase() throws Exception {
    int mib = Integer.getInteger("bench.snapshotMiB", 256);
    Path file = tmp.resolve("big.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA page_size=4096");
      s.execute("PRAGMA journal_mode=OFF");
      s.execute("PRAGMA synchronous=OFF");
      s.execute("CREATE TABLE b(x BLOB)");
      c.setAutoCommit(false);
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO b VALUES(randomblob(4000))")) {
        for (long i = 0; i < (long) mib * 256; i++) {
          ins.executeUpdate();
        }
      }
      c.commit();
    }
    long size = Files.size(file);
    try (TestNode p = TestNode.open(tmp.resolve("p"), 1);
        TestNode r = TestNode.open(tmp.resolve("r"), 2)) {
      p.node.becomePrimary();
      long t0 = System.nanoTime();
      new NodeClient(p.node.server().url(), 9).importDatabase("big.db", file);
      long importNanos = System.nanoTime() - t0;
      Files.delete(file);

      long t1 = System.nanoTime();
      long streamed = 0;
      NodeClient.StreamResponse res =
          new NodeClient(p.node.server().url(), 8)
              .openStream(PositionMap.of(Map.<String, Pos>of()), Set.of(), Optional.empty());
      try (InputStream in = res.body()) {
        StreamReader reader = new StreamReader(new BufferedInputStream(in, 1 << 16));
        reader.readPreamble();
        StreamFrame f;
        while (!((f = reader.next()) instanceof StreamFrame.Ready)) {
          if (f instanceof StreamFrame.Ltx) {
            byte[] buf = new byte[1 << 16];
            int n;
            InputStream body = reader.ltxBody();
            while ((n = body.read(buf)) != -1) {
              streamed += n;
            }
          }
        }
      }
      long streamNanos = System.nanoTime() - t1;

      long t2 = System.nanoTime();
      r.node.becomeReplica(p.info());
      Await.until(
          "big.db replicated",
          java.time.Duration.ofMinutes(10),
          () -> r.store.db("big.db").map(d -> d.pos().equals(p.db("big.db").pos())).orElse(false));
      long applyNanos = System.nanoTime() - t2;
      System.out.printf(
          "snapshot of a %.0f MiB database: import %.0f MB/s; stream to a discarding reader %.0f MB/s"
              + " (%d LTX bytes); fresh replica end to end (receive, verify, apply, fsync) %.0f MB/s%n",
          size / 1048576.0,
          size / 1e6 / (importNanos / 1e9),
          size / 1e6 / (streamNanos / 1e9),
          streamed,
          size / 1e6 / (applyNanos / 1e9));
    }
  }

  /** Reads the stream like a replica but only timestamps each LTX frame's arrival by TXID. */
  private static Thread rawSubscriber(TestNode p, Map<Long, Long> received) {
    Thread t =
        new Thread(
            () -> {
              try {
                NodeClient.StreamResponse res =
                    new NodeClient(p.node.server().url(), 7)
                        .openStream(
                            PositionMap.of(Map.<String, Pos>of()), Set.of(), Optional.empty());
                try (InputStream in = res.body()) {
                  StreamReader reader = new StreamReader(new BufferedInputStream(in, 1 << 16));
                  reader.readPreamble();
                  byte[] buf = new byte[1 << 16];
                  while (!Thread.currentThread().isInterrupted()) {
                    if (reader.next() instanceof StreamFrame.Ltx) {
                      InputStream body = reader.ltxBody();
                      LtxHeader h = LtxHeader.decode(body.readNBytes(LtxHeader.SIZE), 0, true);
                      while (body.read(buf) != -1) {
                        // drain to the end marker
                      }
                      received.put(h.maxTxid(), System.nanoTime());
                    }
                  }
                }
              } catch (Exception e) {
                // interrupted at the end of the run
              }
            },
            "bench-raw-subscriber");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static double pct(List<Long> sorted, double q) {
    return sorted.get((int) Math.min(sorted.size() - 1, Math.round(q * (sorted.size() - 1))));
  }
}

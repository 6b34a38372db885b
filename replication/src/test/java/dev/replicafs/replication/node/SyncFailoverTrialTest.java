package dev.replicafs.replication.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.DiskFileOps;
import dev.replicafs.replication.store.FileKind;
import dev.replicafs.replication.store.SqliteWorkload;
import dev.replicafs.replication.store.SqliteWorkload.Mode;
import dev.replicafs.replication.sync.SyncOptions;
import dev.replicafs.replication.sync.SyncReplication;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover trials for {@code sync: one} (docs/SYNC.md) with in-process nodes: a writer commits
 * numbered rows on the primary and records every commit that returned; at a random moment the
 * primary crashes (its node API stops mid-stream, the writer is cut off, nothing is handed over),
 * the replica is promoted, and every recorded row must be in the promoted node's database.
 *
 * <p>One primary and one replica: with {@code k = 1} known replica the election rule is trivially
 * met by that replica, so this checks the acknowledgement guarantee itself. The 3-node etcd version
 * with the election step is not built yet (docs/SYNC.md, "Failover", status).
 */
class SyncFailoverTrialTest {
  @TempDir Path tmp;

  @Test
  void everyAcknowledgedCommitSurvivesACrashOfThePrimary() throws Exception {
    trials(Integer.getInteger("sync.trials", 5));
  }

  @Test
  @Tag("long")
  void fiftyTrials() throws Exception {
    trials(50);
  }

  private void trials(int n) throws Exception {
    Random random = new Random(Long.getLong("sync.seed", System.nanoTime()));
    for (int t = 0; t < n; t++) {
      trial(tmp.resolve("t" + t), 200 + random.nextInt(1500), random.nextLong());
    }
  }

  private void trial(Path dir, long crashAfterMillis, long seed) throws Exception {
    SyncReplication gate =
        new SyncReplication(
            new SyncOptions(
                SyncOptions.Mode.ONE, Duration.ofSeconds(5), SyncOptions.Fallback.FAIL));
    Set<Integer> acked = new ConcurrentSkipListSet<>();
    AtomicBoolean crashed = new AtomicBoolean();
    try (TestNode r = TestNode.open(dir.resolve("r"), 2)) {
      TestNode p = TestNode.open(dir.resolve("p"), 1, gate, DiskFileOps.INSTANCE);
      Thread writer;
      try {
        p.node.sync(gate);
        p.node.becomePrimary();
        r.node.becomeReplica(p.info());
        Await.until("replica ready", () -> r.node.replica().map(c -> c.isReady()).orElse(false));
        Db db = p.store.create("app.db");
        SqliteWorkload w = SqliteWorkload.start(db, dir.resolve("w"), Mode.DELETE, seed, true);
        writer =
            new Thread(
                () -> {
                  try (w) {
                    for (int i = 1; !crashed.get(); i++) {
                      w.tx("INSERT INTO t(id, v) VALUES(" + i + ", randomblob(200))");
                      acked.add(i); // the commit returned: acknowledged by the replica
                    }
                  } catch (Throwable e) {
                    // the crash cut the commit off: it was not acknowledged to the writer
                  }
                },
                "trial-writer");
        writer.start();
        long deadline = System.nanoTime() + crashAfterMillis * 1_000_000;
        Await.until("crash moment", Duration.ofSeconds(30), () -> System.nanoTime() >= deadline);
      } finally {
        crashed.set(true);
        p.node.close(); // the stream and the gate stop at once; nothing is handed over
      }
      writer.join(30_000);
      assertThat(writer.isAlive()).isFalse();
      p.store.close();
      r.node.becomePrimary();
      Set<Integer> present = rows(r.db("app.db").path(FileKind.DATABASE), dir.resolve("check"));
      assertThat(acked).isNotEmpty();
      assertThat(present).as("rows on the promoted replica").containsAll(acked);
      LtxChain.verify(r.db("app.db"));
    }
  }

  private static Set<Integer> rows(Path database, Path scratch) throws Exception {
    Files.createDirectories(scratch);
    Path copy = scratch.resolve("copy.db");
    Files.copy(database, copy);
    Set<Integer> ids = new TreeSet<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM t")) {
      while (rs.next()) {
        ids.add(rs.getInt(1));
      }
    }
    return ids;
  }
}

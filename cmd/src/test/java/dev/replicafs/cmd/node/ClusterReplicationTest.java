package dev.replicafs.cmd.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.replicafs.replication.ltx.Pos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 5: a 3-node cluster of real {@code replicafs mount} processes (static lease), shared by
 * every test; each test uses its own databases. Writes go through the primary's FUSE mount
 * (sqlite-jdbc in this JVM and the sqlite3 CLI); replicas are read through theirs.
 */
class ClusterReplicationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration SEE = Duration.ofSeconds(30);
  private static final String SENT = "replicafs_stream_ltx_sent_total";

  @TempDir static Path root;
  static Cluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    MountProcess.requireFuse();
    cluster = Cluster.start(root, 3, LeaseSection.staticSeedPrimary(), "");
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster == null) {
      return;
    }
    try {
      for (int i = cluster.nodes().size() - 1; i >= 0; i--) {
        cluster.node(i).stop();
      }
    } finally {
      cluster.close();
    }
  }

  @Test
  void infoNamesTheSeedAsPrimaryOnEveryNode() throws Exception {
    for (ClusterNode n : cluster.nodes()) {
      JsonNode info = JSON.readTree(n.info());
      assertThat(info.path("isPrimary").asBoolean())
          .as(n.spec.name())
          .isEqualTo(n.spec.index() == 0);
      assertThat(info.path("primary").path("advertiseURL").asText())
          .as(n.spec.name())
          .isEqualTo(cluster.primary().spec.advertiseUrl());
      assertThat(n.metric("replicafs_is_primary", Map.of())).isEqualTo(n.spec.index() == 0 ? 1 : 0);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"DELETE", "TRUNCATE", "PERSIST", "WAL"})
  void longLivedReplicaReadersSeeEveryCommitAndNodesEndIdentical(String mode) throws Exception {
    String db = "mode-" + mode.toLowerCase() + ".db";
    Path onPrimary = cluster.primary().mnt().resolve(db);
    String pragma = "PRAGMA journal_mode=" + mode + ";";
    Sqlite3.run(onPrimary, pragma + "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);");
    cluster.awaitConverged(db);
    List<Connection> readers = new ArrayList<>();
    try (Connection w = DriverManager.getConnection("jdbc:sqlite:" + onPrimary)) {
      for (ClusterNode r : cluster.replicas()) {
        readers.add(DriverManager.getConnection("jdbc:sqlite:" + r.mnt().resolve(db)));
      }
      exec(w, "PRAGMA busy_timeout=10000");
      exec(w, pragma);
      for (int i = 1; i <= 60; i++) {
        exec(w, "INSERT INTO t (v) VALUES (printf('%.*c', " + (i * 97 % 5000) + ", 'x'))");
        if (i % 10 == 0) {
          Sqlite3.run(onPrimary, pragma + "INSERT INTO t (v) VALUES ('cli');");
          exec(w, "UPDATE t SET v = v || 'u' WHERE id % 7 = " + (i / 10));
          long want = count(w);
          for (Connection r : readers) {
            awaitCount(r, want, db);
          }
        }
      }
      exec(w, "DELETE FROM t WHERE id % 5 = 0");
      long want = count(w);
      for (Connection r : readers) {
        awaitCount(r, want, db);
      }
      if (mode.equals("WAL")) {
        assertThat(query(w, "PRAGMA wal_checkpoint(TRUNCATE)")).startsWith("0");
      }
      assertNodesIdentical(db);
    } finally {
      for (Connection r : readers) {
        r.close();
      }
    }
  }

  @Test
  void severalDatabasesAreCreatedVacuumedAndDroppedThroughTheMounts() throws Exception {
    List<String> dbs = List.of("multi-a.db", "multi-b.db", "multi-c.db");
    for (String db : dbs) {
      Sqlite3.run(
          cluster.primary().mnt().resolve(db),
          "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);"
              + " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)"
              + " INSERT INTO t (v) SELECT printf('%.*c', 300, 'y') FROM n;");
    }
    for (String db : dbs) {
      assertNodesIdentical(db);
    }
    Path b = cluster.primary().mnt().resolve("multi-b.db");
    Sqlite3.run(b, "DELETE FROM t WHERE id > 40; VACUUM;");
    long vacuumed = Files.size(b);
    assertNodesIdentical("multi-b.db");
    for (ClusterNode r : cluster.replicas()) {
      assertThat(Files.size(r.mnt().resolve("multi-b.db"))).isEqualTo(vacuumed);
      assertThat(Sqlite3.run(r.mnt().resolve("multi-b.db"), "SELECT count(*) FROM t"))
          .isEqualTo("40");
    }

    Pos before = cluster.primary().pos("multi-c.db").orElseThrow();
    Files.delete(cluster.primary().mnt().resolve("multi-c.db"));
    Pos dropped = cluster.awaitConverged("multi-c.db");
    assertThat(dropped.txid()).isEqualTo(before.txid() + 1);
    for (ClusterNode n : cluster.nodes()) {
      assertThat(n.mnt().resolve("multi-c.db")).as(n.spec.name()).doesNotExist();
      assertThat(n.dbDir("multi-c.db").resolve("database")).as(n.spec.name()).doesNotExist();
    }
    Sqlite3.run(
        cluster.primary().mnt().resolve("multi-c.db"),
        "CREATE TABLE again (x); INSERT INTO again VALUES (1);");
    Pos recreated = assertNodesIdentical("multi-c.db");
    assertThat(recreated.txid()).isGreaterThan(dropped.txid());
    assertNodesIdentical("multi-a.db");
  }

  @Test
  void killedReplicaResumesWithoutSnapshotAndLateJoinerGetsSnapshotThenIncrementals()
      throws Exception {
    String db = "resume.db";
    Path onPrimary = cluster.primary().mnt().resolve(db);
    Sqlite3.run(onPrimary, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);");
    cluster.awaitConverged(db);
    ClusterNode victim = cluster.node(2);
    Map<String, String> snapshots = Map.of("db", db, "type", "ltx:snapshot");
    double snapshotsBefore = cluster.primary().metric(SENT, snapshots);
    try (Connection w = DriverManager.getConnection("jdbc:sqlite:" + onPrimary);
        Writer writer = new Writer(w)) {
      writer.awaitCommits(20);
      victim.kill();
      writer.awaitCommits(writer.commits() + 20);
      victim.start().awaitMounted();
      writer.awaitCommits(writer.commits() + 20);
    }
    assertNodesIdentical(db);
    assertThat(cluster.primary().metric(SENT, snapshots))
        .as("snapshots sent for " + db + " after the restart")
        .isEqualTo(snapshotsBefore);
    assertThat(victim.metric("replicafs_db_apply_count_total", Map.of("db", db)))
        .as("incremental files applied by the restarted replica")
        .isPositive();

    ClusterNode late = cluster.add().awaitMounted();
    Pos joined = cluster.awaitConverged(db);
    assertThat(cluster.primary().metric(SENT, snapshots)).isEqualTo(snapshotsBefore + 1);
    for (int i = 0; i < 5; i++) {
      Sqlite3.run(onPrimary, "INSERT INTO t (v) VALUES ('late');");
    }
    Pos end = assertNodesIdentical(db);
    List<LtxChain.Link> chain = LtxChain.verify(late.dbDir(db), end);
    assertThat(chain).hasSize(6);
    assertThat(chain.get(0).header().minTxid()).isEqualTo(1);
    assertThat(chain.get(0).header().maxTxid()).isEqualTo(joined.txid());
    assertThat(late.metric("replicafs_db_apply_count_total", Map.of("db", db))).isEqualTo(6);
  }

  /** Same position everywhere, byte-identical database files, verified LTX chains, integrity. */
  private static Pos assertNodesIdentical(String db) throws Exception {
    Pos pos = cluster.awaitConverged(db);
    byte[] primaryBytes = Files.readAllBytes(cluster.primary().dbDir(db).resolve("database"));
    for (ClusterNode n : cluster.nodes()) {
      assertThat(Files.readAllBytes(n.dbDir(db).resolve("database")))
          .as(n.spec.name() + " " + db + " database file")
          .isEqualTo(primaryBytes);
      assertThat(n.metric("replicafs_db_txid", Map.of("db", db)))
          .as(n.spec.name() + " txid metric")
          .isEqualTo((double) pos.txid());
      LtxChain.verify(n.dbDir(db), pos);
      assertThat(Sqlite3.run(n.mnt().resolve(db), "PRAGMA integrity_check"))
          .as(n.spec.name() + " " + db)
          .isEqualTo("ok");
    }
    return pos;
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String query(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      StringBuilder row = new StringBuilder();
      rs.next();
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
        row.append(i > 1 ? "|" : "").append(rs.getString(i));
      }
      return row.toString();
    }
  }

  private static long count(Connection c) throws SQLException {
    return Long.parseLong(query(c, "SELECT count(*) FROM t"));
  }

  /** Polls {@code reader} (never reopened) until it sees {@code want} rows. */
  private static void awaitCount(Connection reader, long want, String db) throws Exception {
    Instant deadline = Instant.now().plus(SEE);
    String last = "";
    while (Instant.now().isBefore(deadline)) {
      try {
        long got = count(reader);
        if (got == want) {
          return;
        }
        last = got + " rows";
      } catch (SQLException e) {
        last = e.getMessage();
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
    throw new AssertionError(db + ": reader expected " + want + " rows, last: " + last);
  }
}

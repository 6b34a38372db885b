package dev.replicafs.replication.store;

import static dev.replicafs.replication.store.StoreTesting.bytes;
import static dev.replicafs.replication.store.StoreTesting.checksumFromScratch;
import static dev.replicafs.replication.store.StoreTesting.copyTree;
import static dev.replicafs.replication.store.StoreTesting.integrityCheck;
import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.replication.ltx.LtxDecoder;
import dev.replicafs.replication.ltx.LtxFileName;
import dev.replicafs.replication.ltx.LtxTrailer;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.store.FaultyFileOps.Action;
import dev.replicafs.replication.store.SqliteMirror.Mode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Fault injection through the labelled file-operation seam: for every mutating step of one commit
 * (in each journal mode) and of one apply, fail it or stop the process right after it, reopen the
 * data directory, and check that recovery always ends at a consistent position: the database is
 * either before or after the transaction, its checksum from scratch equals the position, the last
 * LTX file records that position, the LTX chain replays to the same bytes, and {@code PRAGMA
 * integrity_check} accepts it.
 */
class CrashRecoveryTest {
  @TempDir Path tmp;

  private static Store openFaulty(Path dir, boolean primary, FaultyFileOps ops) throws Exception {
    return Store.builder(StoreOptions.defaults(dir).withNodeId(7))
        .fileOps(ops)
        .primary(primary)
        .checksumThreads(1)
        .fatalHandler(
            (db, what, cause) -> {
              throw new FaultyFileOps.Crash("fatal handler: " + what);
            })
        .open();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void commitRecoversToAConsistentPositionAfterAFaultAtEveryStep(Mode mode) throws Exception {
    Path base = tmp.resolve("base");
    List<SqliteMirror.Call> script;
    Pos before;
    try (SqliteMirror sqlite =
        new SqliteMirror(Files.createDirectories(tmp.resolve("sql")), mode, 4096, 11)) {
      try (Store s = StoreTesting.open(base, true)) {
        Db db = s.create("app.db");
        SqliteMirror.run(db, sqlite.init());
        for (int i = 0; i < 3; i++) {
          SqliteMirror.run(db, sqlite.randomTx());
        }
        if (mode == Mode.WAL) {
          // Recovery folds the WAL into the database; the next transaction restarts it.
          SqliteMirror.run(db, sqlite.checkpoint());
        }
        before = db.pos();
      }
      script = sqlite.randomTx();
    }
    FaultyFileOps recorder = new FaultyFileOps();
    Pos after;
    copyTree(base, tmp.resolve("clean"));
    try (Store s = openFaulty(tmp.resolve("clean"), true, recorder)) {
      recorder.clear();
      SqliteMirror.run(s.db("app.db").orElseThrow(), script);
      s.db("app.db").orElseThrow().drainNaming();
      after = s.db("app.db").orElseThrow().pos();
    }
    List<String> steps = recorder.mutations();
    assertThat(after.txid()).isEqualTo(before.txid() + 1);
    assertThat(steps).anyMatch(l -> l.endsWith("LTX_RENAME"));

    for (int i = 0; i < steps.size(); i++) {
      for (Action action : Action.values()) {
        Path dir = tmp.resolve("trial-" + i + "-" + action);
        copyTree(base, dir);
        FaultyFileOps ops = new FaultyFileOps();
        Store s = openFaulty(dir, true, ops);
        ops.arm(i, action);
        try {
          SqliteMirror.run(s.db("app.db").orElseThrow(), script);
          // WAL mode: the file is named on the naming thread; a fault there is a step too.
          s.db("app.db").orElseThrow().drainNaming();
        } catch (Exception | FaultyFileOps.Crash expected) {
          // The application saw the failure, or the process died here.
        }
        if (!ops.crashed()) {
          try {
            // Close makes deferred (synchronous=NORMAL) LTX files durable: a step of its own.
            s.close();
          } catch (FaultyFileOps.Crash expected) {
            // The process died while closing.
          }
        }
        checkRecovered(dir, Set.of(before, after), steps.get(i) + " " + action);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Mode.class,
      names = {"DELETE", "WAL"})
  void applyRecoversToAConsistentPositionAfterAFaultAtEveryStep(Mode mode) throws Exception {
    Path primaryDir = tmp.resolve("primary");
    Path base = tmp.resolve("replica-base");
    try (SqliteMirror sqlite =
            new SqliteMirror(Files.createDirectories(tmp.resolve("sql")), mode, 4096, 5);
        Store p = StoreTesting.open(primaryDir, true)) {
      Db db = p.create("app.db");
      SqliteMirror.run(db, sqlite.init());
      for (int i = 0; i < 4; i++) {
        SqliteMirror.run(db, sqlite.randomTx());
      }
      db.drainNaming();
      List<LtxFileName> files = db.ltxFiles();
      LtxFileName last = files.get(files.size() - 1);
      Pos before;
      try (Store r = StoreTesting.open(base, false)) {
        Db target = r.create("app.db");
        for (LtxFileName n : files.subList(0, files.size() - 1)) {
          try (InputStream in = Files.newInputStream(db.ltxPath(n))) {
            target.apply(in);
          }
        }
        before = target.pos();
      }
      Pos after = db.pos();
      FaultyFileOps recorder = new FaultyFileOps();
      copyTree(base, tmp.resolve("clean"));
      try (Store r = openFaulty(tmp.resolve("clean"), false, recorder);
          InputStream in = Files.newInputStream(db.ltxPath(last))) {
        recorder.clear();
        assertThat(r.db("app.db").orElseThrow().apply(in)).isEqualTo(after);
      }
      List<String> steps = recorder.mutations();
      assertThat(steps).anyMatch(l -> l.startsWith("APPLY:DB_WRITE"));
      for (int i = 0; i < steps.size(); i++) {
        for (Action action : Action.values()) {
          Path dir = tmp.resolve("trial-" + i + "-" + action);
          copyTree(base, dir);
          FaultyFileOps ops = new FaultyFileOps();
          Store r = openFaulty(dir, false, ops);
          ops.arm(i, action);
          try (InputStream in = Files.newInputStream(db.ltxPath(last))) {
            r.db("app.db").orElseThrow().apply(in);
          } catch (Exception | FaultyFileOps.Crash expected) {
            // The stream saw the failure, or the process died here.
          }
          if (!ops.crashed()) {
            r.close();
          }
          checkRecovered(dir, Set.of(before, after), steps.get(i) + " " + action);
        }
      }
    }
  }

  /**
   * A group of three files (docs/ARCHITECTURE.md, "Apply (replica)"): a fault at every step (fail
   * it, or stop the process right after it) recovers to the position before the group or after one
   * of its files, never anything else.
   */
  @ParameterizedTest
  @EnumSource(
      value = Mode.class,
      names = {"DELETE", "WAL"})
  void groupApplyRecoversToAConsistentPositionAfterAFaultAtEveryStep(Mode mode) throws Exception {
    Path primaryDir = tmp.resolve("primary");
    Path base = tmp.resolve("replica-base");
    try (SqliteMirror sqlite =
            new SqliteMirror(Files.createDirectories(tmp.resolve("sql")), mode, 4096, 5);
        Store p = StoreTesting.open(primaryDir, true)) {
      Db db = p.create("app.db");
      SqliteMirror.run(db, sqlite.init());
      for (int i = 0; i < 6; i++) {
        SqliteMirror.run(db, sqlite.randomTx());
      }
      db.drainNaming();
      List<LtxFileName> files = db.ltxFiles();
      List<LtxFileName> group = files.subList(files.size() - 3, files.size());
      Set<Pos> allowed = new java.util.HashSet<>();
      try (Store r = StoreTesting.open(base, false)) {
        Db target = r.create("app.db");
        for (LtxFileName n : files.subList(0, files.size() - 3)) {
          try (InputStream in = Files.newInputStream(db.ltxPath(n))) {
            target.apply(in);
          }
        }
        allowed.add(target.pos());
      }
      for (LtxFileName n : group) {
        try (InputStream in = Files.newInputStream(db.ltxPath(n))) {
          allowed.add(new Pos(n.maxTxid(), LtxDecoder.open(in).verify().postApplyChecksum()));
        }
      }
      FaultyFileOps recorder = new FaultyFileOps();
      copyTree(base, tmp.resolve("clean"));
      try (Store r = openFaulty(tmp.resolve("clean"), false, recorder)) {
        Db target = r.db("app.db").orElseThrow();
        List<ReceivedLtx> received = receive(target, db, group);
        recorder.clear();
        assertThat(target.apply(received)).hasSize(3).last().isEqualTo(db.pos());
      }
      List<String> steps = recorder.mutations();
      assertThat(steps).filteredOn("APPLY:DB_FSYNC"::equals).hasSize(1);
      for (int i = 0; i < steps.size(); i++) {
        for (Action action : Action.values()) {
          Path dir = tmp.resolve("group-trial-" + i + "-" + action);
          copyTree(base, dir);
          FaultyFileOps ops = new FaultyFileOps();
          Store r = openFaulty(dir, false, ops);
          Db target = r.db("app.db").orElseThrow();
          List<ReceivedLtx> received = receive(target, db, group);
          ops.arm(i, action);
          try {
            target.apply(received);
          } catch (Exception | FaultyFileOps.Crash expected) {
            // The stream saw the failure, or the process died here.
          }
          if (!ops.crashed()) {
            r.close();
          }
          checkRecovered(dir, allowed, steps.get(i) + " " + action);
        }
      }
    }
  }

  /**
   * A snapshot received into a temporary database and renamed over the replica's database: a fault
   * at every step recovers to the position before it or to the snapshot's.
   */
  @org.junit.jupiter.api.Test
  void snapshotApplyRecoversToAConsistentPositionAfterAFaultAtEveryStep() throws Exception {
    Path primaryDir = tmp.resolve("primary");
    Path base = tmp.resolve("replica-base");
    try (SqliteMirror sqlite =
            new SqliteMirror(Files.createDirectories(tmp.resolve("sql")), Mode.DELETE, 4096, 5);
        Store p = StoreTesting.open(primaryDir, true)) {
      Db db = p.create("app.db");
      SqliteMirror.run(db, sqlite.init());
      for (int i = 0; i < 3; i++) {
        SqliteMirror.run(db, sqlite.randomTx());
      }
      Pos before;
      try (Store r = StoreTesting.open(base, false)) {
        Db target = r.create("app.db");
        StoreTesting.applyAll(db, target);
        before = target.pos();
      }
      for (int i = 0; i < 3; i++) {
        SqliteMirror.run(db, sqlite.randomTx());
      }
      java.io.ByteArrayOutputStream snap = new java.io.ByteArrayOutputStream();
      db.writeSnapshot(snap);
      byte[] snapshot = snap.toByteArray();
      FaultyFileOps recorder = new FaultyFileOps();
      copyTree(base, tmp.resolve("clean"));
      try (Store r = openFaulty(tmp.resolve("clean"), false, recorder)) {
        ReceivedLtx received =
            r.db("app.db").orElseThrow().receive(new java.io.ByteArrayInputStream(snapshot));
        recorder.clear();
        assertThat(r.db("app.db").orElseThrow().apply(List.of(received))).containsExactly(db.pos());
      }
      List<String> steps = recorder.mutations();
      assertThat(steps).contains("APPLY:SNAPSHOT_RENAME");
      for (int i = 0; i < steps.size(); i++) {
        for (Action action : Action.values()) {
          Path dir = tmp.resolve("snapshot-trial-" + i + "-" + action);
          copyTree(base, dir);
          FaultyFileOps ops = new FaultyFileOps();
          Store r = openFaulty(dir, false, ops);
          Db target = r.db("app.db").orElseThrow();
          ReceivedLtx received = target.receive(new java.io.ByteArrayInputStream(snapshot));
          ops.arm(i, action);
          try {
            target.apply(List.of(received));
          } catch (Exception | FaultyFileOps.Crash expected) {
            // The stream saw the failure, or the process died here.
          }
          if (!ops.crashed()) {
            r.close();
          }
          checkRecovered(dir, Set.of(before, db.pos()), steps.get(i) + " " + action);
        }
      }
    }
  }

  private static List<ReceivedLtx> receive(Db target, Db source, List<LtxFileName> names)
      throws Exception {
    List<ReceivedLtx> out = new java.util.ArrayList<>();
    for (LtxFileName n : names) {
      try (InputStream in = Files.newInputStream(source.ltxPath(n))) {
        out.add(target.receive(in));
      }
    }
    return out;
  }

  private void checkRecovered(Path dir, Set<Pos> allowed, String trial) throws Exception {
    try (Store s = StoreTesting.open(dir, true)) {
      Db db = s.db("app.db").orElseThrow();
      Pos pos = db.pos();
      Path file = db.path(FileKind.DATABASE);
      assertThat(allowed.stream().map(Pos::postApplyChecksum))
          .as("content before or after the transaction: %s", trial)
          .contains(pos.postApplyChecksum());
      assertThat(checksumFromScratch(file))
          .as("checksum of the file: %s", trial)
          .isEqualTo(pos.postApplyChecksum());
      List<LtxFileName> files = db.ltxFiles();
      LtxFileName last = files.get(files.size() - 1);
      assertThat(last.maxTxid()).as("last ltx file: %s", trial).isEqualTo(pos.txid());
      try (InputStream in = Files.newInputStream(db.ltxPath(last))) {
        LtxTrailer t = LtxDecoder.open(in).verify();
        assertThat(t.postApplyChecksum())
            .as("last ltx post: %s", trial)
            .isEqualTo(pos.postApplyChecksum());
      }
      assertThat(integrityCheck(file, tmp.resolve("scratch"))).as(trial).isEqualTo("ok");
      try (Store replay =
          StoreTesting.open(dir.resolveSibling(dir.getFileName() + "-replay"), false)) {
        Db copy = replay.create("app.db");
        StoreTesting.applyAll(db, copy);
        assertThat(bytes(copy.path(FileKind.DATABASE)))
            .as("replayed chain: %s", trial)
            .isEqualTo(bytes(file));
      }
    }
  }
}

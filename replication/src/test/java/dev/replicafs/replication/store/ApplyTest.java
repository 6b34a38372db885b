package dev.replicafs.replication.store;

import static dev.replicafs.replication.store.StoreTesting.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replicafs.replication.ltx.DatabaseChecksum;
import dev.replicafs.replication.ltx.LtxDecoder;
import dev.replicafs.replication.ltx.LtxEncoder;
import dev.replicafs.replication.ltx.LtxFileName;
import dev.replicafs.replication.ltx.LtxHeader;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.store.LtxApplyException.Reason;
import dev.replicafs.replication.store.SqliteMirror.Mode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Apply on a replica: continuity checks that change nothing, snapshots, deletion, the shm. */
class ApplyTest {
  @TempDir Path tmp;
  private Store primary;
  private Store replica;
  private SqliteMirror sqlite;
  private Db source;
  private Db target;

  @BeforeEach
  void setUp() throws Exception {
    primary = StoreTesting.open(tmp.resolve("primary"), true);
    replica = StoreTesting.open(tmp.resolve("replica"), false);
    sqlite = new SqliteMirror(tmp, Mode.DELETE, 4096, 7);
    source = primary.create("app.db");
    SqliteMirror.run(source, sqlite.init());
    for (int i = 0; i < 4; i++) {
      SqliteMirror.run(source, sqlite.randomTx());
    }
    target = replica.create("app.db");
  }

  @AfterEach
  void tearDown() throws Exception {
    sqlite.close();
    primary.close();
    replica.close();
  }

  private byte[] file(int index) throws IOException {
    return Files.readAllBytes(source.ltxPath(source.ltxFiles().get(index)));
  }

  private void apply(byte[] ltx) throws IOException {
    target.apply(new ByteArrayInputStream(ltx));
  }

  /** What must not change when an apply is refused. */
  private record State(Pos pos, byte[] db, List<String> dir) {}

  private State state() throws IOException {
    List<String> names = new ArrayList<>();
    try (var s = Files.list(target.dir().resolve("ltx"))) {
      s.forEach(p -> names.add(p.getFileName().toString()));
    }
    names.sort(null);
    return new State(target.pos(), bytes(target.path(FileKind.DATABASE)), names);
  }

  private void assertUnchanged(State before) throws IOException {
    State after = state();
    assertThat(after.pos()).isEqualTo(before.pos());
    assertThat(after.db()).isEqualTo(before.db());
    assertThat(after.dir()).isEqualTo(before.dir());
  }

  /** Re-encodes {@code ltx} with a changed header and/or post-apply checksum. */
  private static byte[] reencode(byte[] ltx, long pre, Long post) throws IOException {
    LtxDecoder dec = LtxDecoder.open(new ByteArrayInputStream(ltx));
    LtxHeader h = dec.header();
    LtxHeader changed =
        new LtxHeader(
            h.flags(),
            h.pageSize(),
            h.commit(),
            h.minTxid(),
            h.maxTxid(),
            h.timestamp(),
            pre,
            h.walOffset(),
            h.walSize(),
            h.walSalt1(),
            h.walSalt2(),
            h.nodeId());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LtxEncoder enc = LtxEncoder.open(out, changed);
    var trailer = dec.readAll((pgno, data) -> enc.writePage(pgno, data.clone()));
    enc.finish(post == null ? trailer.postApplyChecksum() : post);
    return out.toByteArray();
  }

  @Test
  void appliesChainAndRefusesAGapWithoutChangingAnything() throws Exception {
    apply(file(0));
    apply(file(1));
    State before = state();
    assertThatThrownBy(() -> apply(file(3)))
        .isInstanceOf(LtxApplyException.class)
        .satisfies(e -> assertThat(((LtxApplyException) e).reason()).isEqualTo(Reason.GAP));
    assertUnchanged(before);
    apply(file(2));
    apply(file(3));
    assertThat(target.pos()).isEqualTo(posOf(3));
  }

  private Pos posOf(int index) throws IOException {
    byte[] f = file(index);
    LtxDecoder dec = LtxDecoder.open(new ByteArrayInputStream(f));
    return new Pos(dec.header().maxTxid(), dec.verify().postApplyChecksum());
  }

  @Test
  void refusesAWrongPreApplyChecksumWithoutChangingAnything() throws Exception {
    apply(file(0));
    State before = state();
    byte[] wrong = reencode(file(1), DatabaseChecksum.FLAG | 12345, null);
    assertThatThrownBy(() -> apply(wrong))
        .isInstanceOfSatisfying(
            LtxApplyException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.PRE_APPLY_CHECKSUM_MISMATCH));
    assertUnchanged(before);
  }

  @Test
  void refusesAWrongPostApplyChecksumWithoutChangingAnything() throws Exception {
    apply(file(0));
    State before = state();
    byte[] original = file(1);
    long pre = LtxDecoder.open(new ByteArrayInputStream(original)).header().preApplyChecksum();
    byte[] wrong = reencode(original, pre, DatabaseChecksum.FLAG | 999);
    assertThatThrownBy(() -> apply(wrong))
        .isInstanceOfSatisfying(
            LtxApplyException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.POST_APPLY_CHECKSUM_MISMATCH));
    assertUnchanged(before);
  }

  @Test
  void refusesACorruptFileWithoutChangingAnything() throws Exception {
    apply(file(0));
    State before = state();
    for (int at : new int[] {3, 150, file(1).length / 2, file(1).length - 3}) {
      byte[] corrupt = file(1);
      corrupt[at] ^= 0x40;
      assertThatThrownBy(() -> apply(corrupt))
          .isInstanceOfSatisfying(
              LtxApplyException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CORRUPT));
      assertUnchanged(before);
    }
    byte[] truncated = java.util.Arrays.copyOf(file(1), file(1).length - 20);
    assertThatThrownBy(() -> apply(truncated)).isInstanceOf(LtxApplyException.class);
    assertUnchanged(before);
  }

  @Test
  void snapshotReplacesEverythingAndDeletesOtherLtxFiles() throws Exception {
    apply(file(0));
    apply(file(1));
    ByteArrayOutputStream snap = new ByteArrayOutputStream();
    LtxHeader h = source.writeSnapshot(snap);
    assertThat(h.isSnapshot()).isTrue();
    assertThat(h.maxTxid()).isEqualTo(source.pos().txid());
    apply(snap.toByteArray());
    assertThat(target.pos()).isEqualTo(source.pos());
    assertThat(bytes(target.path(FileKind.DATABASE)))
        .isEqualTo(bytes(source.path(FileKind.DATABASE)));
    assertThat(target.ltxFiles()).containsExactly(new LtxFileName(1, source.pos().txid()));
  }

  @Test
  void deletionFileRemovesTheDatabaseAndKeepsThePosition() throws Exception {
    StoreTesting.applyAll(source, target);
    primary.drop("app.db");
    assertThat(source.exists(FileKind.DATABASE)).isFalse();
    assertThat(source.pos().postApplyChecksum()).isEqualTo(DatabaseChecksum.EMPTY);
    List<LtxFileName> files = source.ltxFiles();
    try (InputStream in = Files.newInputStream(source.ltxPath(files.get(files.size() - 1)))) {
      target.apply(in);
    }
    assertThat(target.exists(FileKind.DATABASE)).isFalse();
    assertThat(Files.exists(target.path(FileKind.DATABASE))).isFalse();
    assertThat(target.pos()).isEqualTo(source.pos());

    // Re-creating the database continues the TXID sequence on both sides.
    Db again = primary.create("app.db");
    try (SqliteMirror fresh =
        new SqliteMirror(Files.createDirectories(tmp.resolve("fresh")), Mode.DELETE, 4096, 9)) {
      SqliteMirror.run(again, fresh.init());
    }
    assertThat(again.pos().txid()).isEqualTo(target.pos().txid() + 1);
    files = source.ltxFiles();
    try (InputStream in = Files.newInputStream(source.ltxPath(files.get(files.size() - 1)))) {
      target.apply(in);
    }
    assertThat(bytes(target.path(FileKind.DATABASE)))
        .isEqualTo(bytes(again.path(FileKind.DATABASE)));
  }

  @Test
  void walModeApplyRewritesTheShmHeaderAndInvalidatesIt() throws Exception {
    List<String> invalidated = new ArrayList<>();
    Invalidator recorder =
        new Invalidator() {
          @Override
          public void invalidateDatabase(String db, long offset, long length) {}

          @Override
          public void invalidateShm(String db) {
            invalidated.add(db);
          }

          @Override
          public void invalidateEntry(String name) {}
        };
    try (Store walPrimary = StoreTesting.open(tmp.resolve("wp"), true);
        Store walReplica =
            Store.builder(StoreOptions.defaults(tmp.resolve("wr"))).invalidator(recorder).open();
        SqliteMirror wal =
            new SqliteMirror(Files.createDirectories(tmp.resolve("w")), Mode.WAL, 4096, 3)) {
      Db p = walPrimary.create("w.db");
      SqliteMirror.run(p, wal.init());
      SqliteMirror.run(p, wal.randomTx());
      p.drainNaming();
      Db r = walReplica.create("w.db");
      List<LtxFileName> files = p.ltxFiles();
      for (int i = 0; i < files.size() - 1; i++) {
        try (InputStream in = Files.newInputStream(p.ltxPath(files.get(i)))) {
          r.apply(in);
        }
      }
      assertThat(r.isWalMode()).isTrue();
      r.create(FileKind.SHM);
      ByteBuffer shm = ByteBuffer.allocate(WalIndexHeader.SIZE).order(ByteOrder.nativeOrder());
      shm.putInt(8, 41).putInt(16, 9);
      r.write(FileKind.SHM, shm, 0);
      try (InputStream in = Files.newInputStream(p.ltxPath(files.get(files.size() - 1)))) {
        r.apply(in);
      }
      ByteBuffer after = ByteBuffer.allocate(WalIndexHeader.SIZE).order(ByteOrder.nativeOrder());
      r.read(FileKind.SHM, after, 0);
      assertThat(after.getInt(0)).isEqualTo(3007000);
      assertThat(after.getInt(8)).isEqualTo(42);
      assertThat(after.getInt(16)).as("mxFrame").isZero();
      assertThat(after.getInt(20)).as("nPage").isEqualTo((int) r.pageCount());
      assertThat(after.array()).startsWith(java.util.Arrays.copyOfRange(after.array(), 48, 96));
      assertThat(invalidated).containsExactly("w.db");
    }
  }

  @Test
  void replicaRefusesWritesAndPrimaryRefusesWalWritesWithoutTheWriteLock() throws Exception {
    assertThatThrownBy(() -> target.write(FileKind.DATABASE, ByteBuffer.allocate(4096), 0))
        .isInstanceOf(ReadOnlyReplicaException.class);
    assertThatThrownBy(() -> target.create(FileKind.JOURNAL))
        .isInstanceOf(ReadOnlyReplicaException.class);
    source.create(FileKind.WAL);
    assertThatThrownBy(() -> source.write(FileKind.WAL, ByteBuffer.allocate(32), 0))
        .isInstanceOf(WalWriteRefusedException.class)
        .hasMessageContaining("locking_mode=EXCLUSIVE");
  }

  @Test
  void walWritesMayNotRewriteRecordedFrames() throws Exception {
    try (Store walPrimary = StoreTesting.open(tmp.resolve("wp"), true);
        SqliteMirror wal =
            new SqliteMirror(Files.createDirectories(tmp.resolve("w")), Mode.WAL, 4096, 3)) {
      Db p = walPrimary.create("w.db");
      SqliteMirror.run(p, wal.init());
      SqliteMirror.run(p, wal.randomTx());
      long end = p.size(FileKind.WAL);
      SqliteMirror.lockWrite(p, true);
      try {
        assertThatThrownBy(() -> p.write(FileKind.WAL, ByteBuffer.allocate(24), end - 4096 - 24))
            .isInstanceOf(WalWriteRefusedException.class)
            .hasMessageContaining("already recorded");
      } finally {
        SqliteMirror.lockWrite(p, false);
      }
    }
  }
}

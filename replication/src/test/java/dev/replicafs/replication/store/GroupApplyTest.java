package dev.replicafs.replication.store;

import static dev.replicafs.replication.store.StoreTesting.bytes;
import static dev.replicafs.replication.store.StoreTesting.checksumFromScratch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replicafs.replication.ltx.LtxDecoder;
import dev.replicafs.replication.ltx.LtxFileName;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.store.LtxApplyException.Reason;
import dev.replicafs.replication.store.SqliteMirror.Mode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group apply on a replica (docs/ARCHITECTURE.md, "Apply (replica): files applied in groups"): the
 * fsyncs a group costs, positions per file in order, a refused file in the middle, and the snapshot
 * that is renamed over the database instead of being written twice.
 */
class GroupApplyTest {
  @TempDir Path tmp;
  private Store primary;
  private Store replica;
  private FaultyFileOps ops;
  private SqliteMirror sqlite;
  private Db source;
  private Db target;
  private final List<PositionEvent> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    primary = StoreTesting.open(tmp.resolve("primary"), true);
    ops = new FaultyFileOps();
    replica = StoreTesting.open(tmp.resolve("replica"), false, ops);
    replica.addListener(events::add);
    sqlite = new SqliteMirror(tmp, Mode.DELETE, 4096, 13);
    source = primary.create("app.db");
    SqliteMirror.run(source, sqlite.init());
    for (int i = 0; i < 8; i++) {
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

  private Pos posOf(byte[] ltx) throws IOException {
    LtxDecoder dec = LtxDecoder.open(new ByteArrayInputStream(ltx));
    return new Pos(dec.header().maxTxid(), dec.verify().postApplyChecksum());
  }

  private List<ReceivedLtx> receive(List<byte[]> files) throws IOException {
    List<ReceivedLtx> out = new ArrayList<>();
    for (byte[] f : files) {
      out.add(target.receive(new ByteArrayInputStream(f)));
    }
    return out;
  }

  /** Applies the source's first file to the target; returns the bytes of the others, in order. */
  private List<byte[]> applyFirstFileAndReadTheRest() throws IOException {
    target.apply(new ByteArrayInputStream(file(0)));
    List<byte[]> rest = new ArrayList<>();
    for (int i = 1; i < source.ltxFiles().size(); i++) {
      rest.add(file(i));
    }
    return rest;
  }

  private long count(String label) {
    return ops.mutations().stream().filter(label::equals).count();
  }

  @Test
  void aGroupCostsOneFsyncPerFilePlusOneDirectoryAndOneDatabaseFsync() throws Exception {
    List<byte[]> rest = applyFirstFileAndReadTheRest();
    List<ReceivedLtx> group = receive(rest);
    events.clear();
    ops.clear();

    List<Pos> after = target.apply(group);

    List<Pos> expected = new ArrayList<>();
    for (byte[] f : rest) {
      expected.add(posOf(f));
    }
    assertThat(after).containsExactlyElementsOf(expected);
    assertThat(events).extracting(PositionEvent::pos).containsExactlyElementsOf(expected);
    assertThat(target.pos()).isEqualTo(source.pos());
    assertThat(count("APPLY:LTX_FSYNC")).isEqualTo(rest.size());
    assertThat(count("APPLY:LTX_FSYNC_DIR")).isEqualTo(1);
    assertThat(count("APPLY:DB_FSYNC")).isEqualTo(1);
    assertThat(bytes(target.path(FileKind.DATABASE)))
        .isEqualTo(bytes(source.path(FileKind.DATABASE)));
    assertThat(target.ltxFiles()).isEqualTo(source.ltxFiles());
    try (var pending = Files.list(target.dir().resolve("ltx"))) {
      assertThat(pending.map(p -> p.getFileName().toString())).allMatch(n -> n.endsWith(".ltx"));
    }
  }

  @Test
  void smallFilesAreWrittenFromTheDecodedPagesAndABigOneIsReadBackFromItsPendingFile()
      throws Exception {
    List<ReceivedLtx> group = receive(applyFirstFileAndReadTheRest());
    ops.clear();
    target.apply(group);
    assertThat(ops.opens()).as("no file read back").doesNotContain("APPLY:LTX_READ");
    assertThat(bytes(target.path(FileKind.DATABASE)))
        .isEqualTo(bytes(source.path(FileKind.DATABASE)));

    // A transaction of more than 128 KiB of pages (a 300 KB blob: ~75 overflow pages).
    SqliteMirror.run(source, sqlite.tx("INSERT INTO t(id, v) VALUES(99999, randomblob(300000))"));
    List<LtxFileName> names = source.ltxFiles();
    byte[] big = Files.readAllBytes(source.ltxPath(names.get(names.size() - 1)));
    ops.clear();
    target.apply(receive(List.of(big)));
    assertThat(ops.opens()).as("read back once").containsOnlyOnce("APPLY:LTX_READ");
    assertThat(target.pos()).isEqualTo(source.pos());
    assertThat(bytes(target.path(FileKind.DATABASE)))
        .isEqualTo(bytes(source.path(FileKind.DATABASE)));
  }

  @Test
  void aRefusedFileInAGroupAppliesTheFilesBeforeItAndNothingAfter() throws Exception {
    target.apply(new ByteArrayInputStream(file(0)));
    // files 1, 2, then 4 (a gap), then 5
    List<ReceivedLtx> group = receive(List.of(file(1), file(2), file(4), file(5)));

    assertThatThrownBy(() -> target.apply(group))
        .isInstanceOfSatisfying(
            LtxApplyException.class, e -> assertThat(e.reason()).isEqualTo(Reason.GAP));

    assertThat(target.pos()).isEqualTo(posOf(file(2)));
    assertThat(checksumFromScratch(target.path(FileKind.DATABASE)))
        .isEqualTo(target.pos().postApplyChecksum());
    assertThat(target.ltxFiles()).hasSize(3);
    try (var left = Files.list(target.dir().resolve("ltx"))) {
      assertThat(left.map(p -> p.getFileName().toString())).allMatch(n -> n.endsWith(".ltx"));
    }
  }

  @Test
  void aGroupThatDoesNotContinueChangesNothing() throws Exception {
    target.apply(new ByteArrayInputStream(file(0)));
    byte[] before = bytes(target.path(FileKind.DATABASE));
    Pos pos = target.pos();
    List<ReceivedLtx> group = receive(List.of(file(2), file(3)));
    ops.clear();

    assertThatThrownBy(() -> target.apply(group)).isInstanceOf(LtxApplyException.class);

    assertThat(target.pos()).isEqualTo(pos);
    assertThat(bytes(target.path(FileKind.DATABASE))).isEqualTo(before);
    assertThat(ops.mutations()).noneMatch(l -> l.startsWith("APPLY:DB_") || l.contains("FSYNC"));
  }

  /**
   * After a power loss a group's pending names can be durable before their content (they are
   * fsynced together with the directory, and the database is only written after that): recovery
   * replays the pending files that decode and continue, and deletes the rest.
   */
  @Test
  void recoveryReplaysThePendingFilesThatDecodeAndDropsAnEmptyOne() throws Exception {
    target.apply(new ByteArrayInputStream(file(0)));
    target.apply(new ByteArrayInputStream(file(1)));
    Path ltx = target.dir().resolve("ltx");
    List<LtxFileName> names = source.ltxFiles();
    replica.close();
    Files.write(ltx.resolve(names.get(2) + ".pending"), file(2));
    Files.write(ltx.resolve(names.get(3) + ".pending"), file(3));
    Files.write(ltx.resolve(names.get(4) + ".pending"), new byte[0]);
    Files.write(ltx.resolve(names.get(5) + ".pending"), file(5));

    replica = StoreTesting.open(tmp.resolve("replica"), false);
    Db reopened = replica.db("app.db").orElseThrow();

    assertThat(reopened.pos()).isEqualTo(posOf(file(3)));
    assertThat(checksumFromScratch(reopened.path(FileKind.DATABASE)))
        .isEqualTo(reopened.pos().postApplyChecksum());
    assertThat(reopened.ltxFiles()).containsExactlyElementsOf(names.subList(0, 4));
    try (var left = Files.list(ltx)) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".pending"));
    }
  }

  @Test
  void aSnapshotIsRenamedOverTheDatabaseInsteadOfBeingWrittenTwice() throws Exception {
    target.apply(new ByteArrayInputStream(file(0)));
    target.apply(new ByteArrayInputStream(file(1)));
    ByteArrayOutputStream snap = new ByteArrayOutputStream();
    source.writeSnapshot(snap);
    ops.clear();

    Pos after = target.apply(new ByteArrayInputStream(snap.toByteArray()));

    assertThat(after).isEqualTo(source.pos());
    List<String> steps = ops.mutations();
    assertThat(steps).contains("APPLY:SNAPSHOT_RENAME", "APPLY:SNAPSHOT_FSYNC");
    assertThat(steps).doesNotContain("APPLY:DB_WRITE", "APPLY:DB_FSYNC");
    assertThat(bytes(target.path(FileKind.DATABASE)))
        .isEqualTo(bytes(source.path(FileKind.DATABASE)));
    // reads through the seam see the new file
    java.nio.ByteBuffer page = java.nio.ByteBuffer.allocate(4096);
    target.read(FileKind.DATABASE, page, 0);
    assertThat(page.array())
        .isEqualTo(java.util.Arrays.copyOf(bytes(source.path(FileKind.DATABASE)), 4096));
    assertThat(target.ltxFiles()).containsExactly(new LtxFileName(1, source.pos().txid()));
    assertThat(Files.exists(target.dir().resolve(SnapshotImage.FILE_NAME))).isFalse();

    // incremental files continue from the replaced database
    SqliteMirror.run(source, sqlite.randomTx());
    List<LtxFileName> files = source.ltxFiles();
    try (InputStream in = Files.newInputStream(source.ltxPath(files.get(files.size() - 1)))) {
      target.apply(in);
    }
    assertThat(bytes(target.path(FileKind.DATABASE)))
        .isEqualTo(bytes(source.path(FileKind.DATABASE)));
    replica.close();
    try (Store reopened = StoreTesting.open(tmp.resolve("replica"), false)) {
      assertThat(reopened.db("app.db").orElseThrow().pos()).isEqualTo(source.pos());
    }
  }

  @Test
  void aNewDatabaseIsRegisteredOnlyAfterItsFirstFileArrivedWhole() throws Exception {
    ByteArrayOutputStream snap = new ByteArrayOutputStream();
    source.writeSnapshot(snap);
    byte[] whole = snap.toByteArray();
    byte[] cut = java.util.Arrays.copyOf(whole, whole.length / 2);

    assertThatThrownBy(() -> replica.receiveNew("new.db", new ByteArrayInputStream(cut)))
        .isInstanceOf(LtxApplyException.class);
    assertThat(replica.db("new.db")).isEmpty();
    assertThat(Files.exists(tmp.resolve("replica/dbs/new.db"))).isFalse();

    ReceivedLtx first = replica.receiveNew("new.db", new ByteArrayInputStream(whole));
    assertThat(replica.db("new.db")).isEmpty();
    assertThat(replica.applyNew(first)).isEqualTo(source.pos());
    Db created = replica.db("new.db").orElseThrow();
    assertThat(bytes(created.path(FileKind.DATABASE)))
        .isEqualTo(bytes(source.path(FileKind.DATABASE)));
  }
}

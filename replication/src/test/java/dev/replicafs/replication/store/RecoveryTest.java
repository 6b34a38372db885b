package dev.replicafs.replication.store;

import static dev.replicafs.replication.store.StoreTesting.checksumFromScratch;
import static dev.replicafs.replication.store.StoreTesting.integrityCheck;
import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.replication.ltx.LtxFileName;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.store.SqliteMirror.Mode;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Startup recovery where the database and its last LTX file disagree for reasons no crash of
 * ReplicaFS explains (the file was changed outside the mount, the last LTX file is damaged): the
 * store starts anyway, keeps the database as it is, and records a snapshot at the next TXID.
 */
class RecoveryTest {
  @TempDir Path tmp;

  private Pos build(Path data) throws Exception {
    try (Store store = StoreTesting.open(data, true);
        SqliteMirror sqlite = new SqliteMirror(tmp, Mode.DELETE, 4096, 8)) {
      Db db = store.create("app.db");
      SqliteMirror.run(db, sqlite.init());
      for (int i = 0; i < 3; i++) {
        SqliteMirror.run(db, sqlite.tx("INSERT INTO t(v) VALUES(randomblob(700))"));
      }
      return db.pos();
    }
  }

  @Test
  void databaseChangedOutsideTheMountIsKeptAndRecordedAsASnapshot() throws Exception {
    Path data = tmp.resolve("data");
    Pos before = build(data);
    Path file = data.resolve("dbs/app.db/database");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO t(v) VALUES(randomblob(5000))");
    }
    long changed = checksumFromScratch(file);
    assertThat(changed).isNotEqualTo(before.postApplyChecksum());
    try (Store store = StoreTesting.open(data, true)) {
      Db db = store.db("app.db").orElseThrow();
      assertThat(db.pos()).isEqualTo(new Pos(before.txid() + 1, changed));
      assertThat(db.ltxFiles()).containsExactly(new LtxFileName(1, before.txid() + 1));
      assertThat(integrityCheck(file, tmp.resolve("scratch"))).isEqualTo("ok");
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
          Statement s = c.createStatement();
          var r = s.executeQuery("SELECT count(*) FROM t")) {
        r.next();
        assertThat(r.getInt(1)).as("the outside change is kept").isEqualTo(4);
      }
    }
  }

  @Test
  void corruptLastLtxFileDoesNotStopTheStore() throws Exception {
    Path data = tmp.resolve("data");
    Pos before = build(data);
    Path ltxDir = data.resolve("dbs/app.db/ltx");
    List<Path> files;
    try (var s = Files.list(ltxDir)) {
      files = s.sorted().toList();
    }
    try (RandomAccessFile f = new RandomAccessFile(files.get(files.size() - 1).toFile(), "rw")) {
      f.seek(200);
      f.write(f.read() ^ 0xff);
    }
    try (Store store = StoreTesting.open(data, true)) {
      Db db = store.db("app.db").orElseThrow();
      // The corrupt file is deleted (recovery step 3a) and the database, which is at its
      // position, recorded as a snapshot at the same TXID: a replica that applied the file before
      // it was damaged continues without a snapshot.
      assertThat(db.pos()).isEqualTo(before);
      assertThat(db.ltxFiles()).containsExactly(new LtxFileName(1, before.txid()));
    }
  }

  @Test
  void hotJournalLeftByACrashedWriterIsRolledBack() throws Exception {
    Path data = tmp.resolve("data");
    Pos before = build(data);
    Path file = data.resolve("dbs/app.db/database");
    byte[] committed = Files.readAllBytes(file);
    try (Store store = StoreTesting.open(data, true)) {
      Db db = store.db("app.db").orElseThrow();
      int ps = db.pageSize();
      // A writer journals page 2 and overwrites it, then dies before invalidating the journal.
      java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(512);
      var jh = new dev.replicafs.replication.sqlite.JournalHeader(1, 3, db.pageCount(), 512, ps);
      header.put(jh.encode());
      db.create(FileKind.JOURNAL);
      db.write(FileKind.JOURNAL, header.clear(), 0);
      java.nio.ByteBuffer original = java.nio.ByteBuffer.allocate(ps);
      db.read(FileKind.DATABASE, original, ps);
      java.nio.ByteBuffer record = java.nio.ByteBuffer.allocate(ps + 8);
      record.putInt(2).put(original.array()).putInt(jh.recordChecksum(original, 0));
      db.write(FileKind.JOURNAL, record.clear(), 512);
      db.write(FileKind.DATABASE, java.nio.ByteBuffer.allocate(ps), ps);
    }
    try (Store store = StoreTesting.open(data, true)) {
      Db db = store.db("app.db").orElseThrow();
      assertThat(db.pos()).isEqualTo(before);
      assertThat(db.exists(FileKind.JOURNAL)).isFalse();
      assertThat(Files.readAllBytes(file)).isEqualTo(committed);
    }
  }
}

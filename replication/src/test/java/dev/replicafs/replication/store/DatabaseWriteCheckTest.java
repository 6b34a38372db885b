package dev.replicafs.replication.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.store.SqliteWorkload.Mode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes SQLite never makes are refused by the store with a message naming the database. */
class DatabaseWriteCheckTest {
  @TempDir Path tmp;

  @Test
  void nonSqliteHeaderWritesAndTruncationsOfACommittedDatabaseAreRefused() throws Exception {
    try (Store store = StoreTesting.open(tmp.resolve("data"), true)) {
      Db db = store.create("app.db");
      try (SqliteWorkload w = SqliteWorkload.start(db, tmp.resolve("w"), Mode.DELETE, 3, true)) {
        w.randomTx();
      }
      Pos pos = db.pos();
      byte[] before = StoreTesting.bytes(db.path(FileKind.DATABASE));
      byte[] junk = new byte[4096];
      new Random(9).nextBytes(junk);
      byte[] text = "hello, not a database\n".repeat(200).getBytes(StandardCharsets.US_ASCII);

      assertThatThrownBy(() -> db.write(FileKind.DATABASE, ByteBuffer.wrap(junk), 0))
          .isInstanceOf(InvalidWriteException.class)
          .hasMessageContaining("non-SQLite page 1")
          .hasMessageContaining("db=app.db");
      assertThatThrownBy(() -> db.write(FileKind.DATABASE, ByteBuffer.wrap(text, 0, 4096), 0))
          .isInstanceOf(InvalidWriteException.class)
          .hasMessageContaining("db=app.db");
      assertThatThrownBy(() -> db.write(FileKind.DATABASE, ByteBuffer.wrap(junk, 0, 10), 28))
          .isInstanceOf(InvalidWriteException.class)
          .hasMessageContaining("inside the SQLite header");
      assertThatThrownBy(() -> db.write(FileKind.DATABASE, ByteBuffer.wrap(before, 0, 50), 0))
          .as("a partial header, even a correct one")
          .isInstanceOf(InvalidWriteException.class);
      assertThatThrownBy(() -> db.truncate(FileKind.DATABASE, 0))
          .isInstanceOf(InvalidWriteException.class)
          .hasMessageContaining("truncating the database to 0 bytes refused")
          .hasMessageContaining("db=app.db");
      assertThatThrownBy(() -> db.truncate(FileKind.DATABASE, 4096 + 1))
          .isInstanceOf(InvalidWriteException.class);

      assertThat(db.pos()).isEqualTo(pos);
      assertThat(StoreTesting.bytes(db.path(FileKind.DATABASE))).isEqualTo(before);
    }
  }

  @Test
  void anEmptyDatabaseMayBeTruncatedButNotGivenAGarbageHeader() throws Exception {
    try (Store store = StoreTesting.open(tmp.resolve("data"), true)) {
      Db db = store.create("new.db");
      db.create(FileKind.DATABASE);
      db.truncate(FileKind.DATABASE, 0);
      assertThatThrownBy(
              () ->
                  db.write(
                      FileKind.DATABASE,
                      ByteBuffer.wrap("#!/bin/sh\n".repeat(20).getBytes(StandardCharsets.US_ASCII)),
                      0))
          .isInstanceOf(InvalidWriteException.class)
          .hasMessageContaining("db=new.db");
      assertThat(db.pos()).isEqualTo(Pos.ZERO);
    }
  }
}

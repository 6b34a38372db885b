package dev.replicafs.replication.node;

import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.FileKind;
import dev.replicafs.replication.store.SqliteWorkload.Mode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;

/**
 * Plays SQLite's rollback of a hot journal through the store seam, as SQLite does through the mount
 * after a failed commit: real SQLite rolls a copy of the database and its journal back, then the
 * pages it restored are written into the {@link Db}, the database is truncated to its old size, and
 * the journal is invalidated the way {@code mode} does.
 */
final class HotJournal {
  private HotJournal() {}

  static void rollback(Db db, Path scratch, Mode mode) throws IOException, SQLException {
    Files.createDirectories(scratch);
    Path copy = scratch.resolve("rollback.db");
    Files.copy(db.path(FileKind.DATABASE), copy, StandardCopyOption.REPLACE_EXISTING);
    Files.copy(
        db.path(FileKind.JOURNAL), Path.of(copy + "-journal"), StandardCopyOption.REPLACE_EXISTING);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy);
        Statement s = c.createStatement()) {
      s.execute("SELECT count(*) FROM sqlite_master"); // finds the hot journal and rolls back
    }
    byte[] before = Files.readAllBytes(db.path(FileKind.DATABASE));
    byte[] after = Files.readAllBytes(copy);
    int ps = 4096;
    for (int off = 0; off < after.length; off += ps) {
      byte[] page = Arrays.copyOfRange(after, off, off + ps);
      if (off + ps > before.length
          || !Arrays.equals(page, Arrays.copyOfRange(before, off, off + ps))) {
        db.write(FileKind.DATABASE, ByteBuffer.wrap(page), off);
      }
    }
    if (after.length < before.length) {
      db.truncate(FileKind.DATABASE, after.length);
    }
    switch (mode) {
      case DELETE -> db.remove(FileKind.JOURNAL);
      case TRUNCATE -> db.truncate(FileKind.JOURNAL, 0);
      case PERSIST -> db.write(FileKind.JOURNAL, ByteBuffer.allocate(28), 0);
      case WAL -> throw new IllegalArgumentException("WAL mode has no journal");
    }
  }
}

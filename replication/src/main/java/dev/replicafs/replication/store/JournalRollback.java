package dev.replicafs.replication.store;

import dev.replicafs.replication.sqlite.JournalReader;
import dev.replicafs.replication.sqlite.JournalRecord;
import dev.replicafs.replication.sqlite.SqliteFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolls back a hot rollback journal left by a crash, as SQLite's {@code pager_playback} would:
 * write each verified record's original page back, truncate the database to its size before the
 * transaction, fsync, delete the journal. A journal without a valid header (committed in PERSIST
 * mode, or empty) is not hot and is simply removed. Labels {@code RECOVER:*}.
 */
final class JournalRollback {
  private static final Logger log = LoggerFactory.getLogger(JournalRollback.class);

  private JournalRollback() {}

  /**
   * Whether the journal is hot: it exists and starts with a valid header. A journal committed in
   * TRUNCATE (empty) or PERSIST (zeroed header) mode is not, and is left alone by {@link Db#apply}
   * and the step-down rollback: SQLite keeps reusing it.
   */
  static boolean isHot(Db db) throws IOException {
    if (!db.files.exists(FileKind.JOURNAL)) {
      return false;
    }
    long size = db.files.size(FileKind.JOURNAL, "RECOVER:JOURNAL_SIZE");
    if (size == 0) {
      return false;
    }
    try {
      JournalReader.open(db.source(FileKind.JOURNAL, "RECOVER:JOURNAL_READ"), size);
      return true;
    } catch (SqliteFormatException e) {
      return false;
    }
  }

  static void rollback(Db db) throws IOException {
    if (!db.files.exists(FileKind.JOURNAL)) {
      return;
    }
    long size = db.files.size(FileKind.JOURNAL, "RECOVER:JOURNAL_SIZE");
    JournalReader reader = null;
    if (size > 0) {
      try {
        reader = JournalReader.open(db.source(FileKind.JOURNAL, "RECOVER:JOURNAL_READ"), size);
      } catch (SqliteFormatException e) {
        log.debug("journal is not hot: db={} reason={}", db.name, e.getMessage());
      }
    }
    if (reader != null && db.files.exists(FileKind.DATABASE)) {
      int ps = reader.header().pageSize();
      FileChannel ch = db.files.required(db.name, FileKind.DATABASE);
      byte[] page = new byte[ps];
      int n = 0;
      JournalRecord rec;
      while ((rec = reader.next(ByteBuffer.wrap(page))) != null) {
        db.ops.write(
            "RECOVER:JOURNAL_ROLLBACK_WRITE", ch, ByteBuffer.wrap(page), (rec.pgno() - 1) * ps);
        n++;
      }
      db.ops.truncate("RECOVER:DB_TRUNCATE", ch, reader.header().initialPageCount() * (long) ps);
      db.ops.force("RECOVER:DB_FSYNC", ch);
      log.info("rolled back hot journal: db={} pages={} stop={}", db.name, n, reader.stop());
    }
    db.files.delete(FileKind.JOURNAL, "RECOVER:JOURNAL_DELETE");
    db.ops.syncDirectory("RECOVER:FSYNC_DIR", db.files.dir());
  }
}

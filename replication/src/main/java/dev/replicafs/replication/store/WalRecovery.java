package dev.replicafs.replication.store;

import dev.replicafs.replication.ltx.DatabaseChecksum;
import dev.replicafs.replication.ltx.LtxHeader;
import dev.replicafs.replication.sqlite.SqliteFormatException;
import dev.replicafs.replication.sqlite.WalHeader;
import dev.replicafs.replication.sqlite.WalReader;
import dev.replicafs.replication.sqlite.WalTransaction;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles the WAL with the last LTX file at open (labels {@code RECOVER:*}). The last file's WAL
 * fields say which frames were recorded: if its salts match the WAL header, frames up to {@code
 * WALOffset + WALSize} were; otherwise (the WAL restarted after the file was written, or the file
 * came from a rollback-journal commit, a snapshot or an apply) none of this generation were. Frames
 * past that point are cut off, as a crash before their LTX file was named means the transaction
 * never committed for ReplicaFS. A WAL shorter than recorded is not refused: its valid committed
 * frames are kept (SQLite would recover exactly those). The kept frames are then copied into the
 * database file (newest version of each page, database truncated to the last commit size, fsync)
 * and the WAL is deleted, so the database file alone holds the logical content.
 */
final class WalRecovery {
  private static final Logger log = LoggerFactory.getLogger(WalRecovery.class);

  private WalRecovery() {}

  /** Returns the database size in pages after the kept frames, or -1 if no frame was kept. */
  static long reconcile(Db db, LtxHeader last) throws IOException {
    if (!db.files.exists(FileKind.WAL)) {
      return -1;
    }
    long size = db.files.size(FileKind.WAL, "RECOVER:WAL_SIZE");
    WalReader reader;
    try {
      reader = WalReader.open(db.source(FileKind.WAL, "RECOVER:WAL_READ"));
    } catch (SqliteFormatException e) {
      db.files.delete(FileKind.WAL, "RECOVER:WAL_DELETE");
      return -1;
    }
    WalHeader wh = reader.header();
    long keepEnd = WalHeader.SIZE;
    if (last != null
        && last.walOffset() > 0
        && last.walSalt1() == wh.salt1()
        && last.walSalt2() == wh.salt2()) {
      keepEnd = last.walOffset() + last.walSize();
    }
    TreeMap<Long, Long> frames = new TreeMap<>();
    long commit = -1;
    WalTransaction tx;
    while ((tx = reader.nextTransaction()) != null && tx.endOffset() <= keepEnd) {
      frames.putAll(tx.pages());
      commit = tx.commitSize();
    }
    if (keepEnd > size) {
      log.warn(
          "wal is shorter than the last ltx file recorded; keeping its committed frames: db={} walSize={} recordedEnd={}",
          db.name,
          size,
          keepEnd);
    }
    if (size > keepEnd) {
      db.ops.truncate("RECOVER:WAL_TRUNCATE", db.files.required(db.name, FileKind.WAL), keepEnd);
      log.info("cut unrecorded wal frames: db={} from={} to={}", db.name, size, keepEnd);
    }
    if (commit >= 0) {
      copyFrames(db, frames, commit, wh.pageSize(), "RECOVER");
    }
    db.files.delete(FileKind.WAL, "RECOVER:WAL_DELETE");
    db.ops.syncDirectory("RECOVER:FSYNC_DIR", db.files.dir());
    return commit;
  }

  /** Copies frames into the database file, truncates it to {@code commit} pages and fsyncs. */
  static void copyFrames(Db db, TreeMap<Long, Long> frames, long commit, int ps, String prefix)
      throws IOException {
    FileChannel wal = db.files.required(db.name, FileKind.WAL);
    FileChannel dbf = db.files.create(FileKind.DATABASE, prefix + ":OPEN_DATABASE");
    long lock = DatabaseChecksum.lockPgno(ps);
    byte[] page = new byte[ps];
    for (Map.Entry<Long, Long> e : frames.entrySet()) {
      long p = e.getKey();
      if (p > commit || p == lock) {
        continue;
      }
      db.ops.read(prefix + ":WAL_READ", wal, ByteBuffer.wrap(page), e.getValue() + 24);
      for (SnapshotCapture c : db.captures) {
        c.beforeDatabaseWrite(db, p, p);
      }
      db.ops.write(prefix + ":WAL_CHECKPOINT_WRITE", dbf, ByteBuffer.wrap(page), (p - 1) * ps);
    }
    if (db.ops.size(prefix + ":DB_SIZE", dbf) != commit * ps) {
      db.ops.truncate(prefix + ":DB_TRUNCATE", dbf, commit * ps);
    }
    db.ops.force(prefix + ":DB_FSYNC", dbf);
  }
}

package dev.replicafs.replication.store;

import dev.replicafs.replication.ltx.DatabaseChecksum;
import dev.replicafs.replication.ltx.LtxFileName;
import dev.replicafs.replication.ltx.LtxHeader;
import dev.replicafs.replication.sqlite.SqliteFormatException;
import dev.replicafs.replication.sqlite.WalHeader;
import dev.replicafs.replication.sqlite.WalReader;
import dev.replicafs.replication.sqlite.WalTransaction;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles the WAL with the LTX files at open (labels {@code RECOVER:*}; docs/ARCHITECTURE.md,
 * recovery step 3). LTX files of the current WAL generation were written without fsync, so {@link
 * #dropUnsoundFiles} first deletes the first of them that is corrupt or breaks the TXID sequence,
 * and every later one. The last remaining file's WAL fields then say which frames were recorded: if
 * its salts match the WAL header, frames up to {@code WALOffset + WALSize} were; otherwise (the WAL
 * restarted after the file was written, or the file came from a rollback-journal commit, a snapshot
 * or an apply) none of this generation were. Committed frames past that point are transactions
 * SQLite committed whose file was never named: they are kept and returned as {@link Derived}, which
 * recovery records as one LTX file after the from-scratch checksum. Frames after the last commit
 * frame are dropped (SQLite would ignore them too). A WAL shorter than recorded is not refused. The
 * kept frames are then copied into the database file (newest version of each page, database
 * truncated to the last commit size, fsync) and the WAL is deleted, so the database file alone
 * holds the logical content.
 */
final class WalRecovery {
  private static final Logger log = LoggerFactory.getLogger(WalRecovery.class);

  /**
   * Committed WAL transactions no LTX file recorded: the WAL range they span, its salts, and the
   * pages they wrote.
   */
  record Derived(
      long walOffset,
      long walSize,
      int salt1,
      int salt2,
      NavigableSet<Long> pages,
      int transactions) {}

  /**
   * @param commit the database size in pages after the kept frames, or -1 if no frame was kept
   * @param derived the committed transactions past the last LTX file, or null if there are none
   */
  record Result(long commit, Derived derived) {}

  private WalRecovery() {}

  /**
   * Deletes the LTX files of the current WAL generation from the first one that is not intact or
   * does not continue the TXID sequence: they were written without fsync (the WAL frames cover
   * them) and a power loss can lose or tear any of them, in any order. Files of earlier generations
   * were made durable before their generation ended and are not read.
   */
  static void dropUnsoundFiles(Db db) throws IOException {
    WalHeader wh = header(db);
    if (wh == null) {
      return;
    }
    List<LtxFileName> names = db.ltx.list();
    int first = names.size();
    while (first > 0) {
      LtxFileName n = names.get(first - 1);
      LastFile ends = DbRecovery.readEnds(db, n, db.ltx.path(n));
      if (ends != null && !inGeneration(ends.header(), wh)) {
        break;
      }
      first--;
    }
    long prev = first > 0 ? names.get(first - 1).maxTxid() : -1;
    for (int i = first; i < names.size(); i++) {
      LtxFileName n = names.get(i);
      boolean continues = prev < 0 || n.minTxid() == 1 || n.minTxid() == prev + 1;
      if (!continues || DbRecovery.read(db, n, db.ltx.path(n)) == null) {
        List<LtxFileName> gone = names.subList(i, names.size());
        for (LtxFileName g : gone) {
          db.ops.deleteIfExists("RECOVER:LTX_DELETE", db.ltx.path(g));
        }
        db.ops.syncDirectory("RECOVER:FSYNC_DIR", db.ltx.dir());
        log.warn(
            "ltx files of the current wal generation did not survive intact; their transactions are recovered from the wal: db={} deleted={}",
            db.name,
            gone);
        return;
      }
      prev = n.maxTxid();
    }
  }

  /** Reconciles the WAL with {@code last}, the last LTX file, and removes the WAL. */
  static Result reconcile(Db db, LtxHeader last) throws IOException {
    if (!db.files.exists(FileKind.WAL)) {
      return new Result(-1, null);
    }
    long size = db.files.size(FileKind.WAL, "RECOVER:WAL_SIZE");
    WalReader reader;
    try {
      reader = WalReader.open(db.source(FileKind.WAL, "RECOVER:WAL_READ"));
    } catch (SqliteFormatException e) {
      db.files.delete(FileKind.WAL, "RECOVER:WAL_DELETE");
      return new Result(-1, null);
    }
    WalHeader wh = reader.header();
    long keepEnd = WalHeader.SIZE;
    if (last != null && inGeneration(last, wh)) {
      keepEnd = last.walOffset() + last.walSize();
    }
    TreeMap<Long, Long> frames = new TreeMap<>();
    TreeSet<Long> unrecorded = new TreeSet<>();
    long commit = -1;
    long derivedStart = -1;
    long derivedEnd = -1;
    int transactions = 0;
    WalTransaction tx;
    while ((tx = reader.nextTransaction()) != null) {
      frames.putAll(tx.pages());
      commit = tx.commitSize();
      if (tx.endOffset() > keepEnd) {
        unrecorded.addAll(tx.pages().keySet());
        derivedStart = derivedStart < 0 ? tx.startOffset() : derivedStart;
        derivedEnd = tx.endOffset();
        transactions++;
      }
    }
    if (keepEnd > size) {
      log.warn(
          "wal is shorter than the last ltx file recorded; keeping its committed frames: db={} walSize={} recordedEnd={}",
          db.name,
          size,
          keepEnd);
    }
    Derived derived = null;
    if (derivedStart >= 0) {
      derived =
          new Derived(
              derivedStart,
              derivedEnd - derivedStart,
              wh.salt1(),
              wh.salt2(),
              unrecorded,
              transactions);
      log.info(
          "wal holds committed transactions without ltx files; recording them: db={} from={} to={} pages={}",
          db.name,
          derivedStart,
          derivedEnd,
          unrecorded.size());
    }
    if (commit >= 0) {
      copyFrames(db, frames, commit, wh.pageSize(), "RECOVER");
    }
    db.files.delete(FileKind.WAL, "RECOVER:WAL_DELETE");
    db.ops.syncDirectory("RECOVER:FSYNC_DIR", db.files.dir());
    return new Result(commit, derived);
  }

  /** Whether a file recorded frames of the WAL generation {@code wh} heads. */
  private static boolean inGeneration(LtxHeader h, WalHeader wh) {
    return h.walOffset() > 0 && h.walSalt1() == wh.salt1() && h.walSalt2() == wh.salt2();
  }

  private static WalHeader header(Db db) throws IOException {
    if (!db.files.exists(FileKind.WAL)) {
      return null;
    }
    try {
      return WalReader.open(db.source(FileKind.WAL, "RECOVER:WAL_READ")).header();
    } catch (SqliteFormatException e) {
      return null;
    }
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

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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Records the WAL transactions committed since the last one, when a connection releases the shm
 * WRITE lock. Steps (labels {@code WAL_COMMIT:*}): see whether SQLite fsynced the WAL since its
 * last write to it ({@code synchronous=FULL}) or not (NORMAL, OFF), read the frames appended after
 * the last recorded offset with {@link WalReader} (salts and cumulative checksums verified, up to
 * the last commit frame), build one LTX file from the newest version of each page (WALOffset =
 * first frame, WALSize = bytes up to the commit frame, the header's salts; pages dropped by a
 * shrink are XORed out), write it (durably if SQLite made the transaction durable, else deferred to
 * SQLite's next fsync, see {@link LtxFiles#syncDeferred}), then advance the recorded WAL offset,
 * the page-to-frame index, the checksums and the position. A scan that finds no commit frame (a
 * rolled-back transaction) records nothing; so does a transaction that changed no page.
 */
final class WalCommitter {
  /**
   * Pages kept in memory between checksum and encoding (1 MiB with 4 KiB pages); a transaction of
   * at most this many changed pages is named after the lock release ({@link LtxNamer}).
   */
  private static final int KEEP_PAGES = 256;

  private WalCommitter() {}

  static PositionEvent commit(Db db) throws IOException {
    FileChannel ch = db.files.channel(FileKind.WAL);
    if (ch == null || db.ops.size("WAL_COMMIT:WAL_SIZE", ch) <= WalHeader.SIZE) {
      return null;
    }
    // The LTX file is as durable as SQLite made the transaction: with synchronous=FULL SQLite
    // fsynced the WAL before releasing the lock, and the file is written durably; with NORMAL it
    // did not, and neither the WAL nor the file is fsynced now, only at SQLite's next fsync (a
    // checkpoint) or a later durable commit. See docs/BENCHMARKS.md, "Commit path".
    boolean durable = db.syncs.isDurable(FileKind.WAL);
    WalReader reader = reader(db);
    if (reader == null) {
      return null;
    }
    List<WalTransaction> txs = reader.readTransactions();
    if (txs.isEmpty()) {
      return null;
    }
    WalHeader wh = db.wal.header;
    WalTransaction first = txs.get(0);
    WalTransaction last = txs.get(txs.size() - 1);
    TreeMap<Long, Long> frames = new TreeMap<>();
    for (WalTransaction tx : txs) {
      frames.putAll(tx.pages());
    }
    int ps = wh.pageSize();
    if (db.checksums.pageSize() != 0 && db.checksums.pageSize() != ps) {
      throw new StoreException(
          "wal page size " + ps + " differs from the database's " + db.checksums.pageSize());
    }
    PageChecksums sums = db.checksums.pageSize() == 0 ? new PageChecksums(ps) : db.checksums;
    long commit = last.commitSize();
    long lock = DatabaseChecksum.lockPgno(ps);
    long oldCount = sums.count();
    // Pages the transaction grew the database by without writing them read from the logical view.
    for (long p = oldCount + 1; p <= commit; p++) {
      if (p != lock && !frames.containsKey(p)) {
        frames.put(p, -1L);
      }
    }
    TreeMap<Long, Long> changes = new TreeMap<>();
    // The pages read for the checksums are kept for the encoder when the transaction is small (the
    // common single-row commit), so each page is read once; large ones are read again.
    TreeMap<Long, byte[]> kept = new TreeMap<>();
    for (Map.Entry<Long, Long> e : frames.entrySet()) {
      long p = e.getKey();
      if (p > commit || p == lock) {
        continue;
      }
      byte[] data = page(db, p, e.getValue(), ps);
      long chk = DatabaseChecksum.page(p, data);
      if (p > oldCount || chk != sums.get(p)) {
        changes.put(p, chk);
        if (changes.size() <= KEEP_PAGES) {
          kept.put(p, data);
        }
      }
    }
    if (changes.isEmpty() && commit == oldCount) {
      advance(db, frames, commit, last);
      return null;
    }
    long post = sums.valueAfter(changes, commit);
    LtxHeader header =
        db.nextHeader(
            ps,
            commit,
            first.startOffset(),
            last.endOffset() - first.startOffset(),
            wh.salt1(),
            wh.salt2());
    boolean snapshot = header.isSnapshot();
    if (!snapshot && kept.size() == changes.size() && db.mayNameLater()) {
      // Named by the naming thread after the lock release returns: the WAL holds the transaction
      // until then, and recovery derives its file from the frames after a crash.
      db.namer.submit(new LtxNamer.Item(header, kept, post));
      sums.apply(changes, commit);
      db.checksums = sums;
      advance(db, frames, commit, last);
      db.walMode = true;
      db.commitUnnamed(header, post);
      return null;
    }
    db.namer.drain();
    db.ltx.write(
        "WAL_COMMIT",
        header,
        enc -> {
          for (Long p : changes.keySet()) {
            byte[] data = kept.get(p);
            enc.writePage(p, data != null ? data : page(db, p, frames.get(p), ps));
          }
        },
        snapshot ? null : post,
        durable || snapshot);
    sums.apply(changes, commit);
    db.checksums = sums;
    advance(db, frames, commit, last);
    db.walMode = true;
    return db.publish(header, post, PositionEvent.Cause.COMMIT);
  }

  /** A reader positioned after the last recorded frame, or null if the WAL has no valid header. */
  private static WalReader reader(Db db) throws IOException {
    if (db.wal.header == null) {
      WalReader reader;
      try {
        reader = WalReader.open(db.source(FileKind.WAL, "WAL_COMMIT:WAL_READ"));
      } catch (SqliteFormatException e) {
        return null;
      }
      db.wal.start(reader.header());
      return reader;
    }
    return WalReader.resume(
        db.source(FileKind.WAL, "WAL_COMMIT:WAL_READ"),
        db.wal.header,
        db.wal.offset,
        db.wal.running);
  }

  private static void advance(Db db, TreeMap<Long, Long> frames, long commit, WalTransaction last) {
    for (Map.Entry<Long, Long> e : frames.entrySet()) {
      if (e.getValue() >= 0) {
        db.wal.frames.put(e.getKey(), e.getValue());
      }
    }
    db.wal.frames.tailMap(commit, false).clear();
    db.wal.offset = last.endOffset();
    db.wal.running = last.endChecksum();
  }

  private static byte[] page(Db db, long pgno, long frameOffset, int ps) throws IOException {
    if (frameOffset < 0) {
      return db.readLogicalPage("WAL_COMMIT:DB_READ", pgno, ps);
    }
    byte[] page = new byte[ps];
    db.ops.read(
        "WAL_COMMIT:WAL_READ",
        db.files.required(db.name, FileKind.WAL),
        ByteBuffer.wrap(page),
        frameOffset + 24);
    return page;
  }
}

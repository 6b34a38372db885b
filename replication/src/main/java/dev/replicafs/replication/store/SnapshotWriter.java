package dev.replicafs.replication.store;

import dev.replicafs.replication.ltx.LtxEncoder;
import dev.replicafs.replication.ltx.LtxFormatException;
import dev.replicafs.replication.ltx.LtxHeader;
import dev.replicafs.replication.ltx.LtxTrailer;
import dev.replicafs.replication.ltx.Pos;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Streams a snapshot LTX file ({@code MinTXID = 1}, {@code MaxTXID} = current TXID, every page but
 * the lock page, WAL pages overlaid) of a database to an {@link OutputStream}. The database lock is
 * held only to capture a {@link SnapshotCapture} and then for each batch of at most 1 MiB of pages,
 * so commits continue while the snapshot streams; memory is one batch.
 */
final class SnapshotWriter {
  private static final int BATCH_BYTES = 1 << 20;
  private static final Duration CAPTURE_TIMEOUT = Duration.ofSeconds(30);

  private SnapshotWriter() {}

  private static SnapshotCapture capture(Db db) throws IOException {
    db.mu.lock();
    try {
      db.awaitNoWriteTransaction(CAPTURE_TIMEOUT);
      Pos pos = db.pos();
      if (pos.txid() == 0) {
        throw new NotFoundException("db=" + db.name + " has no position yet; nothing to snapshot");
      }
      SnapshotCapture cap =
          new SnapshotCapture(
              db, pos, db.checksums.pageSize(), db.checksums.count(), new TreeMap<>(db.wal.frames));
      db.captures.add(cap);
      return cap;
    } finally {
      db.mu.unlock();
    }
  }

  static LtxHeader write(Db db, OutputStream out) throws IOException {
    SnapshotCapture cap;
    try (LockGuard guard = db.acquireReadLock()) {
      cap = capture(db);
    }
    try {

      int ps = cap.pageSize == 0 ? 4096 : cap.pageSize;
      LtxHeader header =
          new LtxHeader(
              db.store.ltxFlags(),
              ps,
              cap.count,
              1,
              cap.pos.txid(),
              db.store.clock().millis(),
              0,
              0,
              0,
              0,
              0,
              db.store.nodeId());
      BufferedOutputStream buf = new BufferedOutputStream(out, 1 << 16);
      LtxEncoder enc = LtxEncoder.open(buf, header);
      long lock = header.lockPgno();
      int batch = Math.max(1, BATCH_BYTES / ps);
      List<byte[]> pages = new ArrayList<>(batch);
      for (long first = 1; first <= cap.count; first += batch) {
        long last = Math.min(cap.count, first + batch - 1);
        pages.clear();
        db.mu.lock();
        try {
          for (long p = first; p <= last; p++) {
            pages.add(p == lock ? null : cap.read(db, p));
          }
          cap.advance(last + 1);
        } finally {
          db.mu.unlock();
        }
        for (int i = 0; i < pages.size(); i++) {
          if (pages.get(i) != null) {
            enc.writePage(first + i, pages.get(i));
          }
        }
      }
      LtxTrailer trailer;
      try {
        trailer = enc.finish(cap.pos.postApplyChecksum());
      } catch (LtxFormatException e) {
        throw new StoreException(
            "snapshot of db=" + db.name + " does not match its position " + cap.pos, e);
      }
      buf.flush();
      return header;
    } finally {
      db.mu.lock();
      try {
        db.captures.remove(cap);
      } finally {
        db.mu.unlock();
      }
      cap.close();
    }
  }
}

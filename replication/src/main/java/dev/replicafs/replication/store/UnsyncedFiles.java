package dev.replicafs.replication.store;

import dev.replicafs.replication.ltx.LtxFileName;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recovery step 3a (docs/ARCHITECTURE.md, "Startup recovery"): the newest LTX files may include
 * rollback-journal commits' files the background fsync had not reached when the power went ({@link
 * LtxFiles#syncDeferredLater}); a power loss can lose or tear any of them, in any order. The newest
 * {@link #WINDOW} files are checked and, from the first one that is corrupt or breaks the TXID
 * sequence, deleted with every later one. The database keeps what SQLite made durable; the last
 * step records it as a snapshot if it is past the remaining files.
 */
final class UnsyncedFiles {
  private static final Logger log = LoggerFactory.getLogger(UnsyncedFiles.class);

  /** Files checked: twice the most that can be unsynced at once. */
  static final int WINDOW = 2 * LtxFiles.MAX_WAITING_FOR_BACKGROUND_SYNC;

  /**
   * Files up to this size are decoded and verified. A deferred file holds at most {@link
   * JournalCommitter#MAX_BACKGROUND_SYNC_BYTES} of pages (LTX framing adds a few bytes per page); a
   * bigger file was written durably, so only its ends are read.
   */
  static final long DECODE_LIMIT = 2 * JournalCommitter.MAX_BACKGROUND_SYNC_BYTES;

  private UnsyncedFiles() {}

  static void dropUnsound(Db db) throws IOException {
    List<LtxFileName> names = db.ltx.list();
    int from = Math.max(0, names.size() - WINDOW);
    long prev = from > 0 ? names.get(from - 1).maxTxid() : -1;
    for (int i = from; i < names.size(); i++) {
      LtxFileName n = names.get(i);
      boolean continues = prev < 0 || n.minTxid() == 1 || n.minTxid() == prev + 1;
      if (!continues || !sound(db, n)) {
        List<LtxFileName> gone = names.subList(i, names.size());
        for (LtxFileName g : gone) {
          db.ops.deleteIfExists("RECOVER:LTX_DELETE", db.ltx.path(g));
        }
        db.ops.syncDirectory("RECOVER:FSYNC_DIR", db.ltx.dir());
        log.warn(
            "newest ltx files did not survive intact (written without fsync before a power"
                + " loss); deleted from the first damaged one, their transactions are recovered"
                + " from the wal or recorded as a snapshot: db={} deleted={}",
            db.name,
            gone);
        return;
      }
      prev = n.maxTxid();
    }
  }

  private static boolean sound(Db db, LtxFileName n) throws IOException {
    Path path = db.ltx.path(n);
    long size;
    try {
      size = db.ops.attributes("RECOVER:LTX_STAT", path).size();
    } catch (NoSuchFileException e) {
      return false;
    }
    LastFile ends = DbRecovery.readEnds(db, n, path);
    if (ends == null
        || ends.header().minTxid() != n.minTxid()
        || ends.header().maxTxid() != n.maxTxid()) {
      return false;
    }
    if (size > DECODE_LIMIT || ends.header().isSnapshot()) {
      return true;
    }
    return DbRecovery.read(db, n, path) != null;
  }
}

package dev.replicafs.replication.store;

import dev.replicafs.replication.ltx.DatabaseChecksum;
import dev.replicafs.replication.ltx.LtxHeader;
import dev.replicafs.replication.sqlite.DatabaseHeader;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Records a rollback-journal transaction as an LTX file, at the moment SQLite invalidates the
 * journal (DELETE, TRUNCATE or PERSIST) and before that change reaches the disk, so that a crash at
 * any point leaves either a hot journal (SQLite rolls the transaction back, recovery replays the
 * LTX if it was already named) or a recorded transaction.
 *
 * <p>Steps: read the commit size from the database header (offset 28); for each page written since
 * the last commit (and every page the database grew by) read it and compare its checksum with the
 * recorded one; if nothing changed and the size is the same, the transaction was rolled back or
 * wrote nothing, and no TXID is used. Otherwise write the LTX file ({@code MinTXID = MaxTXID =
 * previous + 1}, pre-apply = previous post-apply, the changed pages in order, the lock page never)
 * durably, or, on a primary with asynchronous replication, without fsync and fsynced right after by
 * the store's background thread ({@link #fsyncLater}), fsync the database (unless SQLite already
 * did since its last write to it, as it does before invalidating the journal in {@code
 * synchronous=FULL}), then update the checksums and the position. Labels: {@code COMMIT:*}.
 */
final class JournalCommitter {
  private JournalCommitter() {}

  /** Commits the pending transaction; returns the event, or null if nothing was recorded. */
  static PositionEvent commit(Db db, String mode) throws IOException {
    if (db.dirty.isEmpty() && !db.allDirty) {
      return null;
    }
    db.namer.drain();
    DatabaseHeader h = db.readHeader("COMMIT:DB_READ_HEADER");
    if (h == null) {
      db.clearDirty();
      return null;
    }
    int ps = h.pageSize();
    long fileSize = db.files.size(FileKind.DATABASE, "COMMIT:DB_SIZE");
    long commit = h.effectivePageCount(fileSize);
    if (db.checksums.pageSize() != 0 && db.checksums.pageSize() != ps) {
      db.clearDirty();
      return DbRecovery.recordSnapshot(db, PositionEvent.Cause.COMMIT, "page size changed");
    }
    PageChecksums sums = db.checksums.pageSize() == 0 ? new PageChecksums(ps) : db.checksums;
    long oldCount = sums.count();
    long lock = DatabaseChecksum.lockPgno(ps);
    TreeMap<Long, Long> changes = new TreeMap<>();
    boolean all = db.allDirty || oldCount == 0;
    int firstDirty = db.dirty.nextSetBit(1);
    long p = all ? 1 : Math.min(firstDirty < 0 ? Long.MAX_VALUE : firstDirty, oldCount + 1);
    while (p >= 1 && p <= commit) {
      if (p != lock) {
        long chk = DatabaseChecksum.page(p, db.files.readPage("COMMIT:DB_READ", p, ps));
        if (p > oldCount || chk != sums.get(p)) {
          changes.put(p, chk);
        }
      }
      p = nextCandidate(db, all, p, oldCount, commit);
    }
    if (changes.isEmpty() && commit == oldCount) {
      db.clearDirty();
      return null;
    }
    long post = sums.valueAfter(changes, commit);
    LtxHeader header = db.nextHeader(ps, commit, 0, 0, 0, 0);
    boolean snapshot = header.isSnapshot();
    boolean later = fsyncLater(db, snapshot, (long) changes.size() * ps);
    db.ltx.write(
        "COMMIT",
        header,
        enc -> {
          for (Map.Entry<Long, Long> e : changes.entrySet()) {
            enc.writePage(e.getKey(), db.files.readPage("COMMIT:DB_READ", e.getKey(), ps));
          }
        },
        snapshot ? null : post,
        !later);
    db.forceUnlessDurable("COMMIT:DB_FSYNC", FileKind.DATABASE);
    if (later) {
      db.ltx.syncDeferredLater(
          db.store.ltxSyncThread(),
          e -> db.store.fatal(db.name, "could not fsync rollback-journal commits' ltx files", e));
    }
    sums.apply(changes, commit);
    db.checksums = sums;
    db.walMode = h.isWal();
    db.clearDirty();
    return db.publish(header, post, PositionEvent.Cause.COMMIT);
  }

  /**
   * Whether the file may be fsynced by the background thread after the commit returns
   * (docs/ARCHITECTURE.md, "Rollback-journal commits are fsynced in the background"): on a primary
   * with asynchronous replication and no halt, for an incremental file of at most {@link
   * #MAX_BACKGROUND_SYNC_BYTES} of pages, while fewer than {@link
   * LtxFiles#MAX_WAITING_FOR_BACKGROUND_SYNC} files wait.
   */
  private static boolean fsyncLater(Db db, boolean snapshot, long pageBytes) {
    return !snapshot
        && pageBytes <= MAX_BACKGROUND_SYNC_BYTES
        && db.mayNameLater()
        && db.ltx.deferredCount() < LtxFiles.MAX_WAITING_FOR_BACKGROUND_SYNC;
  }

  /** The most page bytes a commit whose file is fsynced in the background may hold. */
  static final long MAX_BACKGROUND_SYNC_BYTES = 1 << 20;

  private static long nextCandidate(Db db, boolean all, long p, long oldCount, long commit) {
    if (all || p >= oldCount) {
      return p + 1;
    }
    int next = db.dirty.nextSetBit((int) p + 1);
    if (next < 0 || next > oldCount) {
      return oldCount + 1;
    }
    return next;
  }
}

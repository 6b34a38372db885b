package dev.replicafs.replication.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Before SQLite writes a WAL commit frame, checks that the data directory has room for the LTX file
 * that will record the transaction. In WAL mode the LTX file is written when the connection
 * releases the shm WRITE lock, after SQLite considers the transaction committed, so a full disk
 * there could only go to the fatal handler; refusing the commit frame with {@link
 * DiskFullException} (ENOSPC, {@code SQLITE_FULL}) lets SQLite roll the transaction back instead.
 * The estimate is the WAL bytes since the last recorded transaction (an LTX file is never larger
 * than the frames it records) plus a margin for the header, trailer and directory entry. Another
 * process filling the disk between this check and the LTX write still reaches the fatal handler.
 */
final class WalSpaceCheck {
  /** Extra bytes required beyond the WAL bytes of the transaction. */
  static final long MARGIN = 256 * 1024;

  private static final int WAL_HEADER = 32;
  private static final int FRAME_HEADER = 24;

  private WalSpaceCheck() {}

  static void beforeWrite(Db db, ByteBuffer src, long offset, int pageSize, long recorded)
      throws IOException {
    if (pageSize == 0 || offset < WAL_HEADER || !writesCommitFrame(src, offset, pageSize)) {
      return;
    }
    long needed = offset + src.remaining() - Math.max(recorded, WAL_HEADER) + MARGIN;
    Path dir = db.store.dataDir();
    long usable = db.store.fileStore().getUsableSpace();
    if (usable < needed) {
      throw new DiskFullException(
          "no space to record the transaction: db="
              + db.name
              + " needed="
              + needed
              + " usable="
              + usable
              + " dir="
              + dir);
    }
  }

  /** Whether {@code src} holds the commit field of a frame header with a non-zero value. */
  private static boolean writesCommitFrame(ByteBuffer src, long offset, int pageSize) {
    long frame = FRAME_HEADER + (long) pageSize;
    long end = offset + src.remaining();
    long rel = offset - WAL_HEADER;
    long first = WAL_HEADER + ((rel + frame - 1) / frame) * frame;
    for (long f = first; f + 8 <= end; f += frame) {
      if (src.getInt(src.position() + (int) (f - offset) + 4) != 0) {
        return true;
      }
    }
    return false;
  }
}

package dev.replicafs.replication.store;

import dev.replicafs.replication.sqlite.WalChecksum;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * Rewrites the start of the shm (SQLite's WAL index) after an apply on a replica, as LiteFS does,
 * so that WAL-mode readers that cached the old index notice the change and read the database file.
 * Layout (native byte order, as SQLite maps it):
 *
 * <pre>
 * 0   WalIndexHdr copy 1 (48 bytes)
 *       0 iVersion 3007000   4 unused   8 iChange (bumped)   12 isInit=1   13 bigEndCksum (kept)
 *      14 szPage (u16, 65536 stored as 1)   16 mxFrame=0   20 nPage   24 aFrameCksum[2]=0
 *      32 aSalt[2] (kept)   40 aCksum[2] over bytes 0..39, native word order
 * 48  WalIndexHdr copy 2 (identical)
 * 96  WalCkptInfo: nBackfill=0, aReadMark = {0, 0xffffffff x4}, aLock[8]=0, nBackfillAttempted=0
 * </pre>
 *
 * With {@code mxFrame = 0} every reader reads pages from the database file; the changed {@code
 * iChange} makes a reader holding the old header reload it.
 */
final class WalIndexHeader {
  static final int SIZE = 136;
  private static final int VERSION = 3007000;

  private WalIndexHeader() {}

  /** Writes a fresh header for a database of {@code pageCount} pages; no-op without an shm. */
  static boolean reset(Db db, int pageSize, long pageCount) throws IOException {
    FileChannel ch = db.files.channel(FileKind.SHM);
    if (ch == null) {
      return false;
    }
    ByteOrder order = ByteOrder.nativeOrder();
    ByteBuffer old = ByteBuffer.allocate(48).order(order);
    db.ops.read("APPLY:SHM_READ", ch, old, 0);
    ByteBuffer b = ByteBuffer.allocate(SIZE).order(order);
    b.putInt(0, VERSION);
    b.putInt(8, old.getInt(8) + 1);
    b.put(12, (byte) 1);
    b.put(13, old.get(13));
    b.putShort(14, (short) ((pageSize & 0xff00) | (pageSize >>> 16)));
    b.putInt(16, 0);
    b.putInt(20, (int) pageCount);
    b.putInt(32, old.getInt(32));
    b.putInt(36, old.getInt(36));
    WalChecksum sum = WalChecksum.ZERO.update(order == ByteOrder.BIG_ENDIAN, b, 0, 40);
    b.putInt(40, sum.s1());
    b.putInt(44, sum.s2());
    for (int i = 0; i < 48; i++) {
      b.put(48 + i, b.get(i));
    }
    b.putInt(100, 0);
    for (int i = 1; i < 5; i++) {
      b.putInt(100 + 4 * i, 0xffffffff);
    }
    db.ops.write("APPLY:SHM_WRITE", ch, b, 0);
    return true;
  }
}

package dev.replicafs.replication.ltx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Applies an LTX file to a plain database image: each page is written at {@code (pgno-1) *
 * pageSize}, the file is truncated to {@code commit} pages (0 empties it), and a snapshot that
 * spans the lock page gets zeros there. It checks the file's pre-apply position against nothing and
 * does not fsync: it exists for tests, tools and exports. The store owns real applying (positions,
 * per-page checksums, durability).
 */
public final class DatabaseImage {
  private DatabaseImage() {}

  /** Decodes {@code ltx} (strict) onto {@code db} and returns the verified trailer. */
  public static LtxTrailer apply(InputStream ltx, FileChannel db) throws IOException {
    LtxDecoder dec = LtxDecoder.open(ltx);
    LtxHeader h = dec.header();
    int ps = h.pageSize();
    LtxTrailer trailer =
        dec.readAll((pgno, data) -> writeFully(db, ByteBuffer.wrap(data, 0, ps), (pgno - 1) * ps));
    long size = h.commit() * ps;
    db.truncate(size);
    long lock = h.lockPgno();
    if (h.isSnapshot() && h.commit() >= lock) {
      writeFully(db, ByteBuffer.allocate(ps), (lock - 1) * ps);
    }
    return trailer;
  }

  private static void writeFully(FileChannel db, ByteBuffer buf, long position) throws IOException {
    while (buf.hasRemaining()) {
      position += db.write(buf, position);
    }
  }
}

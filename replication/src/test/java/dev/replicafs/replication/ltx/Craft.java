package dev.replicafs.replication.ltx;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Builds LTX files byte by byte, bypassing the encoder's rules, with a correct file checksum unless
 * told otherwise, so a test can damage exactly one thing.
 */
final class Craft {
  private Craft() {}

  static byte[] page(int pageSize, long pgno) {
    byte[] p = new byte[pageSize];
    Arrays.fill(p, (byte) (pgno * 31 + 7));
    return p;
  }

  /** The uncompressed page block for {@code pgnos} (pages from {@link #page}). */
  static byte[] block(int pageSize, long... pgnos) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (long n : pgnos) {
      out.writeBytes(ByteBuffer.allocate(4).putInt((int) n).array());
      out.writeBytes(page(pageSize, n));
    }
    out.writeBytes(new byte[4]);
    return out.toByteArray();
  }

  /** The rolling checksum of the pages {@link #page} gives for {@code pgnos}. */
  static long checksum(int pageSize, long... pgnos) {
    DatabaseChecksum acc = new DatabaseChecksum();
    for (long n : pgnos) {
      acc.add(DatabaseChecksum.page(n, page(pageSize, n)));
    }
    return acc.value();
  }

  /**
   * A file: header bytes, then {@code body} as stored (raw block or LZ4 frame), then a trailer
   * whose file checksum covers {@code header + uncompressed + post}.
   */
  static byte[] file(byte[] header, byte[] uncompressed, byte[] body, long post) {
    long crc = Crc64.update(0, header, 0, header.length);
    crc = Crc64.update(crc, uncompressed, 0, uncompressed.length);
    crc = Crc64.updateLong(crc, post);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header);
    out.writeBytes(body);
    out.writeBytes(
        ByteBuffer.allocate(16).putLong(post).putLong(DatabaseChecksum.FLAG | crc).array());
    return out.toByteArray();
  }

  /** A raw file holding {@code pgnos} in the given order. */
  static byte[] raw(LtxHeader h, long post, long... pgnos) {
    byte[] block = block(h.pageSize(), pgnos);
    return file(h.encode(), block, block, post);
  }
}

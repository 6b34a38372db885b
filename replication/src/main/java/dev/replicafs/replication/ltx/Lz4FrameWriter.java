package dev.replicafs.replication.ltx;

import java.io.IOException;
import java.io.OutputStream;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.xxhash.StreamingXXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Writes one LZ4 frame the way pierrec/lz4 v4.1.17 (used by ltx v0.3.14) configures it: descriptor
 * {@code 64 40 A7} (independent 64 KiB blocks, content checksum, no block checksum, no content
 * size, no dictionary), blocks stored raw when compression does not shrink them, then the end mark
 * and the xxHash32 content checksum. {@link #finish} does not close the target, so the LTX trailer
 * can follow.
 */
final class Lz4FrameWriter {
  static final int MAGIC = 0x184D2204;
  static final int BLOCK_SIZE = 64 * 1024;
  private static final byte[] DESCRIPTOR = {0x04, 0x22, 0x4D, 0x18, 0x64, 0x40, (byte) 0xA7};

  private static final LZ4Compressor COMPRESSOR = LZ4Factory.fastestInstance().fastCompressor();

  /** Pure Java: the JNI streaming hash holds native state released only by a finalizer. */
  private static final XXHashFactory HASHES = XXHashFactory.fastestJavaInstance();

  private static final int COMPRESSED_SIZE = 4 + COMPRESSOR.maxCompressedLength(BLOCK_SIZE);

  /**
   * The two 64 KiB block buffers, reused by every frame written on the same thread: a commit writes
   * one small frame, and allocating 128 KiB for it on every commit dominated the commit path's
   * allocation (docs/BENCHMARKS.md, "Commit path"). The newest writer on a thread owns them; an
   * older writer that was abandoned (its file failed) refuses to be used again.
   */
  private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

  private static final class Buffers {
    final byte[] block = new byte[BLOCK_SIZE];
    final byte[] compressed = new byte[COMPRESSED_SIZE];
    Lz4FrameWriter owner;
  }

  private final OutputStream out;
  private final StreamingXXHash32 contentHash = HASHES.newStreamingHash32(0);
  private final Buffers buffers;
  private final byte[] block;
  private final byte[] compressed;
  private int filled;
  private boolean started;

  Lz4FrameWriter(OutputStream out) {
    this.out = out;
    this.buffers = BUFFERS.get();
    this.buffers.owner = this;
    this.block = buffers.block;
    this.compressed = buffers.compressed;
  }

  private void checkOwner() {
    if (buffers.owner != this) {
      throw new IllegalStateException(
          "lz4 frame writer used after another frame was started on this thread");
    }
  }

  void write(byte[] b, int off, int len) throws IOException {
    checkOwner();
    start();
    contentHash.update(b, off, len);
    while (len > 0) {
      int n = Math.min(len, BLOCK_SIZE - filled);
      System.arraycopy(b, off, block, filled, n);
      filled += n;
      off += n;
      len -= n;
      if (filled == BLOCK_SIZE) {
        flushBlock();
      }
    }
  }

  void finish() throws IOException {
    checkOwner();
    start();
    if (filled > 0) {
      flushBlock();
    }
    byte[] end = new byte[8];
    putIntLe(end, 4, contentHash.getValue());
    out.write(end);
    buffers.owner = null;
  }

  private void start() throws IOException {
    if (!started) {
      out.write(DESCRIPTOR);
      started = true;
    }
  }

  private void flushBlock() throws IOException {
    int n = COMPRESSOR.compress(block, 0, filled, compressed, 4, compressed.length - 4);
    if (n > 0 && n < filled) {
      putIntLe(compressed, 0, n);
      out.write(compressed, 0, 4 + n);
    } else {
      putIntLe(compressed, 0, filled | 0x80000000);
      out.write(compressed, 0, 4);
      out.write(block, 0, filled);
    }
    filled = 0;
  }

  static void putIntLe(byte[] b, int off, int v) {
    b[off] = (byte) v;
    b[off + 1] = (byte) (v >>> 8);
    b[off + 2] = (byte) (v >>> 16);
    b[off + 3] = (byte) (v >>> 24);
  }
}

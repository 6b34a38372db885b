package dev.replicafs.replication.ltx;

import dev.replicafs.replication.ltx.LtxFormatException.Kind;
import java.io.IOException;
import java.util.Arrays;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.StreamingXXHash32;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Reads exactly one LZ4 frame (LZ4 frame format v1.6) from an {@link LtxInput} and stops after its
 * end mark and content checksum, so the LTX trailer can be read next from the same stream.
 * lz4-java's {@code LZ4FrameInputStream} cannot do that: it tries to read a following frame.
 *
 * <p>Accepted, as pierrec/lz4 accepts: skippable frames in front, block checksums, a content size,
 * block sizes 64 KiB to 4 MiB. Rejected with {@code BAD_LZ4_FRAME}: a dictionary ID (pierrec cannot
 * read it either), dependent blocks (never written by pierrec or this package), a wrong header
 * checksum, block checksum, content checksum or content size, a block larger than the declared
 * maximum, and corrupt compressed data. A premature end of input is {@code TRUNCATED}.
 *
 * <p>Memory: the compressed buffer grows only as bytes actually arrive; the decompressed buffer is
 * the declared block size, 64 KiB for every frame LiteFS writes.
 */
final class Lz4FrameReader {
  private static final int SKIPPABLE_MASK = 0xFFFFFFF0;
  private static final int SKIPPABLE_MAGIC = 0x184D2A50;
  private static final XXHash32 XXH32 = XXHashFactory.fastestInstance().hash32();

  /**
   * One decompression buffer per thread, taken by a reader while its frame is open and given back
   * when the frame ends: a replica decodes two small files per applied transaction, and a fresh
   * block-size buffer for each was most of its allocation (docs/BENCHMARKS.md). A reader that fails
   * keeps its buffer (collected with it); two readers open on one thread use two buffers.
   */
  private static final ThreadLocal<byte[]> SPARE = new ThreadLocal<>();

  private final LtxInput in;
  private final LZ4SafeDecompressor decompressor = LZ4Factory.fastestInstance().safeDecompressor();

  /** Pure Java: the JNI streaming hash holds native state released only by a finalizer. */
  private final StreamingXXHash32 contentHash =
      XXHashFactory.fastestJavaInstance().newStreamingHash32(0);

  private boolean started;
  private boolean ended;
  private boolean blockChecksum;
  private boolean contentChecksum;
  private long contentSize = -1;
  private long produced;
  private int blockMax;
  private byte[] compressed = new byte[0];
  private byte[] decompressed;
  private byte[] data;
  private int pos;
  private int limit;

  Lz4FrameReader(LtxInput in) {
    this.in = in;
  }

  /** Reads decompressed bytes; -1 once the frame has ended and its checksums matched. */
  int read(byte[] b, int off, int len) throws IOException {
    if (!started) {
      readDescriptor();
    }
    while (pos == limit) {
      if (ended) {
        return -1;
      }
      readBlock();
    }
    int n = Math.min(len, limit - pos);
    System.arraycopy(data, pos, b, off, n);
    pos += n;
    return n;
  }

  private LtxFormatException bad(String message) {
    return new LtxFormatException(Kind.BAD_LZ4_FRAME, in.offset(), message);
  }

  private void readDescriptor() throws IOException {
    started = true;
    int magic = in.readIntLe("lz4 frame magic");
    while ((magic & SKIPPABLE_MASK) == SKIPPABLE_MAGIC) {
      in.skipFully(Integer.toUnsignedLong(in.readIntLe("lz4 skippable frame")), "skippable frame");
      magic = in.readIntLe("lz4 frame magic");
    }
    if (magic != Lz4FrameWriter.MAGIC) {
      throw bad(String.format("lz4 frame magic is %08x, want 184d2204", magic));
    }
    byte[] desc = new byte[10];
    desc[0] = (byte) in.readByte("lz4 frame descriptor");
    desc[1] = (byte) in.readByte("lz4 frame descriptor");
    int flg = desc[0] & 0xFF;
    int bd = desc[1] & 0xFF;
    if ((flg >>> 6) != 1) {
      throw bad("lz4 frame version " + (flg >>> 6) + " is not 1");
    }
    if ((flg & 0x02) != 0 || (bd & 0x8F) != 0) {
      throw bad("reserved bits set in the lz4 frame descriptor");
    }
    if ((flg & 0x01) != 0) {
      throw bad("lz4 dictionary IDs are not supported (pierrec/lz4 cannot read them either)");
    }
    if ((flg & 0x20) == 0) {
      throw bad("lz4 dependent blocks are not supported; LiteFS writes independent blocks");
    }
    int code = (bd >>> 4) & 0x7;
    if (code < 4) {
      throw bad("lz4 block maximum size code " + code + " is not 4..7");
    }
    blockMax = 1 << (8 + 2 * code);
    blockChecksum = (flg & 0x10) != 0;
    contentChecksum = (flg & 0x04) != 0;
    int descLen = 2;
    if ((flg & 0x08) != 0) {
      in.readFully(desc, 2, 8, "lz4 content size");
      descLen = 10;
      contentSize = 0;
      for (int i = 9; i >= 2; i--) {
        contentSize = contentSize << 8 | (desc[i] & 0xFF);
      }
    }
    int hc = in.readByte("lz4 header checksum");
    int want = (XXH32.hash(desc, 0, descLen, 0) >>> 8) & 0xFF;
    if (hc != want) {
      throw bad(String.format("lz4 header checksum is %02x, want %02x", hc, want));
    }
  }

  private void readBlock() throws IOException {
    int word = in.readIntLe("lz4 block size");
    if (word == 0) {
      finishFrame();
      return;
    }
    boolean raw = (word & 0x80000000) != 0;
    int len = word & 0x7FFFFFFF;
    if (len > blockMax) {
      throw bad("lz4 block of " + len + " bytes exceeds the declared maximum " + blockMax);
    }
    readGrowing(len);
    if (blockChecksum) {
      int stored = in.readIntLe("lz4 block checksum");
      if (stored != XXH32.hash(compressed, 0, len, 0)) {
        throw bad("lz4 block checksum mismatch");
      }
    }
    if (raw) {
      data = compressed;
      limit = len;
    } else {
      if (decompressed == null) {
        byte[] spare = SPARE.get();
        if (spare != null && spare.length >= blockMax) {
          SPARE.remove();
          decompressed = spare;
        } else {
          decompressed = new byte[blockMax];
        }
      }
      try {
        limit = decompressor.decompress(compressed, 0, len, decompressed, 0, blockMax);
      } catch (LZ4Exception | IndexOutOfBoundsException e) {
        throw bad("corrupt lz4 block: " + e.getMessage());
      }
      data = decompressed;
    }
    pos = 0;
    contentHash.update(data, 0, limit);
    produced += limit;
    if (contentSize >= 0 && produced > contentSize) {
      throw bad("lz4 frame holds more than its declared content size " + contentSize);
    }
  }

  private void readGrowing(int len) throws IOException {
    int have = 0;
    while (have < len) {
      if (compressed.length < len) {
        int cap = Math.min(len, Math.max(64 * 1024, Math.max(have, compressed.length) * 2));
        compressed = Arrays.copyOf(compressed, cap);
      }
      int n = Math.min(len, compressed.length) - have;
      in.readFully(compressed, have, n, "lz4 block");
      have += n;
    }
  }

  private void finishFrame() throws IOException {
    ended = true;
    limit = 0;
    pos = 0;
    if (decompressed != null) {
      SPARE.set(decompressed);
      decompressed = null;
      data = null;
    }
    if (contentSize >= 0 && produced != contentSize) {
      throw bad("lz4 frame holds " + produced + " bytes, declared " + contentSize);
    }
    if (contentChecksum) {
      int stored = in.readIntLe("lz4 content checksum");
      if (stored != contentHash.getValue()) {
        throw bad("lz4 content checksum mismatch");
      }
    }
  }
}

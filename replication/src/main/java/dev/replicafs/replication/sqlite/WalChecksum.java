package dev.replicafs.replication.sqlite;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The cumulative WAL checksum, a pair of 32-bit sums (SQLite's {@code walChecksumBytes}).
 *
 * <p>The input is read as 32-bit words in the byte order chosen by the WAL magic (big-endian if the
 * magic's low bit is set, little-endian otherwise) and folded two words at a time:
 *
 * <pre>
 *   s1 += x[i]   + s2
 *   s2 += x[i+1] + s1      (all arithmetic modulo 2^32)
 * </pre>
 *
 * The header checksum covers header bytes 0..23 starting from (0, 0). Each frame's checksum covers
 * its first 8 header bytes and then its page data, starting from the previous frame's checksum (the
 * header checksum for the first frame), so a frame is only valid if every frame before it is.
 *
 * @param s1 first sum, as stored (the int's bits are the unsigned value)
 * @param s2 second sum
 */
public record WalChecksum(int s1, int s2) {

  private static final VarHandle BIG =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LITTLE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  /** The starting value for the header checksum. */
  public static final WalChecksum ZERO = new WalChecksum(0, 0);

  /**
   * Continues this checksum over {@code length} bytes of {@code data} starting at absolute index
   * {@code offset}; {@code length} must be a multiple of 8.
   */
  public WalChecksum update(boolean bigEndian, ByteBuffer data, int offset, int length) {
    long packed = update(pack(s1, s2), bigEndian, data, offset, length);
    return new WalChecksum((int) (packed >>> 32), (int) packed);
  }

  /** Allocation-free form of {@link #update}: sums packed as {@code s1 << 32 | s2}. */
  static long update(long packed, boolean bigEndian, ByteBuffer data, int offset, int length) {
    if ((length & 7) != 0) {
      throw new IllegalArgumentException("wal checksum input must be a multiple of 8: " + length);
    }
    ByteBuffer b =
        data.duplicate().order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    int a = (int) (packed >>> 32);
    int c = (int) packed;
    int end = offset + length;
    for (int i = offset; i < end; i += 8) {
      a += b.getInt(i) + c;
      c += b.getInt(i + 4) + a;
    }
    return pack(a, c);
  }

  static long pack(int s1, int s2) {
    return ((long) s1 << 32) | Integer.toUnsignedLong(s2);
  }

  @Override
  public String toString() {
    return String.format("%08x/%08x", s1, s2);
  }
}

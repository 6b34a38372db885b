package dev.replicafs.replication.ltx;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * CRC-64/GO-ISO: Go's {@code hash/crc64} with the {@code crc64.ISO} table, which LTX uses for file
 * and page checksums.
 *
 * <p>Parameters: width 64, reflected polynomial {@code 0xD800000000000000} (x^64 + x^4 + x^3 + x +
 * 1), init and xor-out all ones, reflected in and out; check value {@code CRC("123456789") =
 * 0xB90956C775A41001}. This is not CRC-64/XZ (ECMA-182).
 *
 * <p>{@link #update} behaves like Go's {@code crc64.Update}: the state is inverted at both ends of
 * each call, so hashing data in several calls gives the same value as one call, and a new hash
 * starts from 0. The bulk loop is slicing-by-8 (eight table lookups per eight bytes), several times
 * faster than the byte-at-a-time loop.
 */
public final class Crc64 {
  /** The reflected ISO 3309 polynomial. */
  public static final long POLY = 0xD800000000000000L;

  private static final long[] T = new long[8 * 256];
  private static final VarHandle LONG_LE_ARRAY =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG_LE_BUFFER =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  static {
    for (int i = 0; i < 256; i++) {
      long c = i;
      for (int k = 0; k < 8; k++) {
        c = (c & 1) != 0 ? (c >>> 1) ^ POLY : c >>> 1;
      }
      T[i] = c;
    }
    for (int t = 1; t < 8; t++) {
      for (int i = 0; i < 256; i++) {
        long prev = T[(t - 1) * 256 + i];
        T[t * 256 + i] = (prev >>> 8) ^ T[(int) (prev & 0xFF)];
      }
    }
  }

  private Crc64() {}

  /** Returns the CRC of {@code data}. */
  public static long of(byte[] data) {
    return update(0, data, 0, data.length);
  }

  /** Continues {@code crc} (0 for a new hash) with {@code len} bytes of {@code data}. */
  public static long update(long crc, byte[] data, int off, int len) {
    java.util.Objects.checkFromIndexSize(off, len, data.length);
    return ~updateInverted(~crc, data, off, len);
  }

  /**
   * Continues {@code crc} with the bytes {@code [off, off+len)} of {@code buf} (absolute indexes;
   * the buffer's position, limit and byte order are ignored and not changed).
   */
  public static long update(long crc, ByteBuffer buf, int off, int len) {
    java.util.Objects.checkFromIndexSize(off, len, buf.capacity());
    if (buf.hasArray()) {
      return ~updateInverted(~crc, buf.array(), buf.arrayOffset() + off, len);
    }
    return ~updateInverted(~crc, buf, off, len);
  }

  /** Continues {@code crc} with the four big-endian bytes of {@code value}. */
  public static long updateInt(long crc, int value) {
    return ~updateIntInverted(~crc, value);
  }

  /** Continues {@code crc} with the eight big-endian bytes of {@code value}. */
  public static long updateLong(long crc, long value) {
    long c = ~crc;
    c = updateIntInverted(c, (int) (value >>> 32));
    c = updateIntInverted(c, (int) value);
    return ~c;
  }

  static long updateIntInverted(long c, int value) {
    c = T[(int) ((c ^ (value >>> 24)) & 0xFF)] ^ (c >>> 8);
    c = T[(int) ((c ^ (value >>> 16)) & 0xFF)] ^ (c >>> 8);
    c = T[(int) ((c ^ (value >>> 8)) & 0xFF)] ^ (c >>> 8);
    return T[(int) ((c ^ value) & 0xFF)] ^ (c >>> 8);
  }

  static long updateInverted(long c, byte[] data, int off, int len) {
    final long[] t = T;
    int i = off;
    int end = off + len;
    for (int last = end - 8; i <= last; i += 8) {
      c = mix(t, c ^ (long) LONG_LE_ARRAY.get(data, i));
    }
    for (; i < end; i++) {
      c = t[(int) ((c ^ data[i]) & 0xFF)] ^ (c >>> 8);
    }
    return c;
  }

  static long updateInverted(long c, ByteBuffer buf, int off, int len) {
    final long[] t = T;
    int i = off;
    int end = off + len;
    for (int last = end - 8; i <= last; i += 8) {
      c = mix(t, c ^ (long) LONG_LE_BUFFER.get(buf, i));
    }
    for (; i < end; i++) {
      c = t[(int) ((c ^ buf.get(i)) & 0xFF)] ^ (c >>> 8);
    }
    return c;
  }

  private static long mix(long[] t, long v) {
    return t[7 * 256 + (int) (v & 0xFF)]
        ^ t[6 * 256 + (int) ((v >>> 8) & 0xFF)]
        ^ t[5 * 256 + (int) ((v >>> 16) & 0xFF)]
        ^ t[4 * 256 + (int) ((v >>> 24) & 0xFF)]
        ^ t[3 * 256 + (int) ((v >>> 32) & 0xFF)]
        ^ t[2 * 256 + (int) ((v >>> 40) & 0xFF)]
        ^ t[256 + (int) ((v >>> 48) & 0xFF)]
        ^ t[(int) (v >>> 56)];
  }
}

package dev.replicafs.replication.ltx;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

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
 * starts from 0. The bulk loop is slicing-by-16 (sixteen table lookups per sixteen bytes), about
 * 3.5 times faster than the byte-at-a-time loop (docs/BENCHMARKS.md).
 *
 * <p>{@link #combine} joins the CRCs of two adjacent pieces without rereading them, so a codec can
 * hash each page frame once and use that value both as the page checksum and for the file checksum.
 */
public final class Crc64 {
  /** The reflected ISO 3309 polynomial. */
  public static final long POLY = 0xD800000000000000L;

  private static final long[] T = new long[16 * 256];
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
    for (int t = 1; t < 16; t++) {
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
    Objects.checkFromIndexSize(off, len, data.length);
    return ~updateInverted(~crc, data, off, len);
  }

  /**
   * Continues {@code crc} with the bytes {@code [off, off+len)} of {@code buf} (absolute indexes;
   * the buffer's position, limit and byte order are ignored and not changed).
   */
  public static long update(long crc, ByteBuffer buf, int off, int len) {
    Objects.checkFromIndexSize(off, len, buf.capacity());
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

  /**
   * Returns the CRC of {@code A || B} from {@code crcA = CRC(A)}, {@code crcB = CRC(B)} and the
   * length of B. The operator for each length is built by squaring (about 2 log2(n) compositions of
   * 64x64 bit matrices) and cached for up to 64 lengths.
   */
  public static long combine(long crcA, long crcB, int lenB) {
    return apply(zeros(lenB), crcA) ^ crcB;
  }

  private static final ConcurrentHashMap<Integer, long[]> ZEROS = new ConcurrentHashMap<>();

  /**
   * The linear map "append n zero bytes" on the raw register, as 64 columns. With L that map,
   * CRC(A||B) = L(CRC(A)) ^ CRC(B): the all-ones init and xor-out cancel out.
   */
  static long[] zeros(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("length must not be negative: " + n);
    }
    long[] op = ZEROS.get(n);
    if (op != null) {
      return op;
    }
    op = new long[64];
    long[] power = new long[64];
    for (int j = 0; j < 64; j++) {
      long c = 1L << j;
      op[j] = c;
      power[j] = T[(int) (c & 0xFF)] ^ (c >>> 8);
    }
    for (int k = n; k != 0; k >>>= 1) {
      if ((k & 1) != 0) {
        op = compose(power, op);
      }
      power = compose(power, power);
    }
    if (ZEROS.size() < 64) {
      ZEROS.put(n, op);
    }
    return op;
  }

  /** The map {@code x -> a(b(x))} as columns. */
  private static long[] compose(long[] a, long[] b) {
    long[] r = new long[64];
    for (int j = 0; j < 64; j++) {
      r[j] = apply(a, b[j]);
    }
    return r;
  }

  static long apply(long[] op, long x) {
    long r = 0;
    for (int j = 0; x != 0; j++, x >>>= 1) {
      if ((x & 1) != 0) {
        r ^= op[j];
      }
    }
    return r;
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
    for (int last = end - 16; i <= last; i += 16) {
      c = mix16(t, c ^ (long) LONG_LE_ARRAY.get(data, i), (long) LONG_LE_ARRAY.get(data, i + 8));
    }
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
    for (int last = end - 16; i <= last; i += 16) {
      c = mix16(t, c ^ (long) LONG_LE_BUFFER.get(buf, i), (long) LONG_LE_BUFFER.get(buf, i + 8));
    }
    for (int last = end - 8; i <= last; i += 8) {
      c = mix(t, c ^ (long) LONG_LE_BUFFER.get(buf, i));
    }
    for (; i < end; i++) {
      c = t[(int) ((c ^ buf.get(i)) & 0xFF)] ^ (c >>> 8);
    }
    return c;
  }

  private static long mix16(long[] t, long a, long b) {
    return t[15 * 256 + (int) (a & 0xFF)]
        ^ t[14 * 256 + (int) ((a >>> 8) & 0xFF)]
        ^ t[13 * 256 + (int) ((a >>> 16) & 0xFF)]
        ^ t[12 * 256 + (int) ((a >>> 24) & 0xFF)]
        ^ t[11 * 256 + (int) ((a >>> 32) & 0xFF)]
        ^ t[10 * 256 + (int) ((a >>> 40) & 0xFF)]
        ^ t[9 * 256 + (int) ((a >>> 48) & 0xFF)]
        ^ t[8 * 256 + (int) (a >>> 56)]
        ^ t[7 * 256 + (int) (b & 0xFF)]
        ^ t[6 * 256 + (int) ((b >>> 8) & 0xFF)]
        ^ t[5 * 256 + (int) ((b >>> 16) & 0xFF)]
        ^ t[4 * 256 + (int) ((b >>> 24) & 0xFF)]
        ^ t[3 * 256 + (int) ((b >>> 32) & 0xFF)]
        ^ t[2 * 256 + (int) ((b >>> 40) & 0xFF)]
        ^ t[256 + (int) ((b >>> 48) & 0xFF)]
        ^ t[(int) (b >>> 56)];
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

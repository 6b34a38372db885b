package dev.replicafs.replication.ltx;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The LiteFS rolling database checksum and its building blocks.
 *
 * <pre>
 * pageChecksum(pgno, data) = FLAG | CRC64ISO(BE32(pgno) || data)
 * dbChecksum               = FLAG | XOR of pageChecksum(p) for p in 1..commit, p != lockPgno
 * empty database           = FLAG (0x8000000000000000)
 * </pre>
 *
 * <p>Because XOR is its own inverse, an instance can be updated in place: {@link #add} a page
 * checksum when a page appears, {@link #remove} it when the page goes away or is overwritten. The
 * {@linkplain #lockPgno lock page} never contributes. Instances are mutable and not thread-safe;
 * the static methods are pure.
 */
public final class DatabaseChecksum {
  /** Bit 63, set in every valid non-zero LTX checksum. */
  public static final long FLAG = 0x8000000000000000L;

  /** The checksum of a database with no pages, and the post-apply value of a deletion file. */
  public static final long EMPTY = FLAG;

  /** SQLite's PENDING_BYTE: the lock page is the page holding this byte offset. */
  public static final long PENDING_BYTE = 0x40000000L;

  private long acc;

  /** Starts at the checksum of an empty database. */
  public DatabaseChecksum() {}

  /** Starts at a known checksum (which must be 0 or carry {@link #FLAG}). */
  public DatabaseChecksum(long initial) {
    if (initial != 0 && (initial & FLAG) == 0) {
      throw new IllegalArgumentException(
          "database checksum must carry bit 63: " + Long.toHexString(initial));
    }
    this.acc = initial & ~FLAG;
  }

  /** XORs a page checksum in. */
  public DatabaseChecksum add(long pageChecksum) {
    acc ^= pageChecksum;
    return this;
  }

  /** XORs a page checksum out (the same operation as {@link #add}, named for intent). */
  public DatabaseChecksum remove(long pageChecksum) {
    acc ^= pageChecksum;
    return this;
  }

  /** Replaces a page: XORs the old checksum out and the new one in. */
  public DatabaseChecksum replace(long oldPageChecksum, long newPageChecksum) {
    acc ^= oldPageChecksum ^ newPageChecksum;
    return this;
  }

  /** The current database checksum, always with {@link #FLAG} set. */
  public long value() {
    return FLAG | acc;
  }

  /** The lock page number for a page size: {@code 0x40000000 / pageSize + 1}. */
  public static long lockPgno(int pageSize) {
    LtxHeader.checkPageSize(pageSize);
    return PENDING_BYTE / pageSize + 1;
  }

  /** The checksum of page {@code pgno} whose content is {@code data[off, off+len)}. */
  public static long page(long pgno, byte[] data, int off, int len) {
    Objects.checkFromIndexSize(off, len, data.length);
    long c = Crc64.updateIntInverted(-1L, (int) checkPgno(pgno));
    return FLAG | ~Crc64.updateInverted(c, data, off, len);
  }

  /** The checksum of page {@code pgno} whose content is all of {@code data}. */
  public static long page(long pgno, byte[] data) {
    return page(pgno, data, 0, data.length);
  }

  /**
   * The checksum of page {@code pgno} whose content is {@code buf[off, off+len)} (absolute indexes;
   * position and limit are ignored).
   */
  public static long page(long pgno, ByteBuffer buf, int off, int len) {
    long c = Crc64.updateInt(0, (int) checkPgno(pgno));
    return FLAG | Crc64.update(c, buf, off, len);
  }

  private static long checkPgno(long pgno) {
    if (pgno < 1 || pgno > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("page number must be in 1..2^32-1: " + pgno);
    }
    return pgno;
  }

  @Override
  public String toString() {
    return String.format("%016x", value());
  }
}

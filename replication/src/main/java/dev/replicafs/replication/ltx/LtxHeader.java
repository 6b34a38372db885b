package dev.replicafs.replication.ltx;

import dev.replicafs.replication.ltx.LtxFormatException.Kind;
import java.nio.ByteBuffer;

/**
 * The 100-byte LTX v1 header. All integers are big-endian; unsigned fields are held in wider or
 * same-width Java types and compared unsigned.
 *
 * <pre>
 * off size field             rule (checked in this order, as ltx v0.3.14 does)
 *   0   4  magic "LTX1"
 *   4   4  flags             only bit 0 (CompressLZ4) may be set
 *   8   4  pageSize          power of two, 512..65536 (65536 stored literally)
 *  12   4  commit            database size in pages after apply (u32, 0 = deleted)
 *  16   8  minTxid           != 0
 *  24   8  maxTxid           != 0, >= minTxid (unsigned)
 *  32   8  timestamp         ms since the epoch, not validated
 *  40   8  preApplyChecksum  snapshot (minTxid == 1): 0; otherwise non-zero with bit 63 set
 *  48   8  walOffset         >= 0; != 0 exactly when walSize != 0
 *  56   8  walSize           >= 0
 *  64   4  walSalt1          non-zero salts require walOffset and walSize
 *  68   4  walSalt2
 *  72   8  nodeId            not validated
 *  80  20  reserved          written as zeros
 * </pre>
 *
 * <p>The compact constructor enforces every rule with {@link IllegalArgumentException}, so an
 * instance is always valid; {@link #decode} reports the same rules as typed {@link
 * LtxFormatException}s for bytes read from outside.
 */
public record LtxHeader(
    int flags,
    int pageSize,
    long commit,
    long minTxid,
    long maxTxid,
    long timestamp,
    long preApplyChecksum,
    long walOffset,
    long walSize,
    int walSalt1,
    int walSalt2,
    long nodeId) {

  /** Encoded size in bytes. */
  public static final int SIZE = 100;

  /** {@code "LTX1"} as a big-endian int. */
  public static final int MAGIC = 0x4C545831;

  /** Header flag: the page block is one LZ4 frame. */
  public static final int FLAG_COMPRESS_LZ4 = 0x1;

  /** Rejects any invalid combination of fields. */
  public LtxHeader {
    if (commit < 0 || commit > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("commit must fit in 32 unsigned bits: " + commit);
    }
    LtxFormatException e =
        problem(
            flags,
            pageSize,
            commit,
            minTxid,
            maxTxid,
            preApplyChecksum,
            walOffset,
            walSize,
            walSalt1,
            walSalt2);
    if (e != null) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** True when {@code minTxid == 1}: the file holds the whole database. */
  public boolean isSnapshot() {
    return minTxid == 1;
  }

  /** True when the page block is LZ4-compressed. */
  public boolean isCompressed() {
    return (flags & FLAG_COMPRESS_LZ4) != 0;
  }

  /** The position a database must be at for this file to apply: {@code (minTxid-1, pre)}. */
  public Pos preApplyPos() {
    return new Pos(minTxid - 1, preApplyChecksum);
  }

  /** The lock page number for this header's page size. */
  public long lockPgno() {
    return DatabaseChecksum.lockPgno(pageSize);
  }

  /** A copy with other flags. */
  public LtxHeader withFlags(int newFlags) {
    return new LtxHeader(
        newFlags,
        pageSize,
        commit,
        minTxid,
        maxTxid,
        timestamp,
        preApplyChecksum,
        walOffset,
        walSize,
        walSalt1,
        walSalt2,
        nodeId);
  }

  /** Writes the 100 bytes at the buffer's position (big-endian regardless of its order). */
  public void encodeTo(ByteBuffer out) {
    int p = out.position();
    out.putInt(p, MAGIC)
        .putInt(p + 4, flags)
        .putInt(p + 8, pageSize)
        .putInt(p + 12, (int) commit)
        .putLong(p + 16, minTxid)
        .putLong(p + 24, maxTxid)
        .putLong(p + 32, timestamp)
        .putLong(p + 40, preApplyChecksum)
        .putLong(p + 48, walOffset)
        .putLong(p + 56, walSize)
        .putInt(p + 64, walSalt1)
        .putInt(p + 68, walSalt2)
        .putLong(p + 72, nodeId);
    for (int i = 80; i < SIZE; i++) {
      out.put(p + i, (byte) 0);
    }
    out.position(p + SIZE);
  }

  /** The 100 encoded bytes. */
  public byte[] encode() {
    byte[] b = new byte[SIZE];
    encodeTo(ByteBuffer.wrap(b));
    return b;
  }

  /**
   * Parses and validates 100 header bytes.
   *
   * @param b at least {@link #SIZE} bytes starting at {@code off}
   * @param strict also reject non-zero reserved bytes (the reference decoder ignores them)
   */
  public static LtxHeader decode(byte[] b, int off, boolean strict) throws LtxFormatException {
    ByteBuffer in = ByteBuffer.wrap(b, off, SIZE).slice();
    if (in.getInt(0) != MAGIC) {
      throw new LtxFormatException(
          Kind.BAD_MAGIC,
          0,
          String.format("magic is %08x, want 4c545831 (\"LTX1\")", in.getInt(0)));
    }
    int flags = in.getInt(4);
    int pageSize = in.getInt(8);
    long commit = Integer.toUnsignedLong(in.getInt(12));
    long minTxid = in.getLong(16);
    long maxTxid = in.getLong(24);
    long pre = in.getLong(40);
    long walOffset = in.getLong(48);
    long walSize = in.getLong(56);
    int salt1 = in.getInt(64);
    int salt2 = in.getInt(68);
    LtxFormatException e =
        problem(flags, pageSize, commit, minTxid, maxTxid, pre, walOffset, walSize, salt1, salt2);
    if (e != null) {
      throw e;
    }
    if (strict) {
      for (int i = 80; i < SIZE; i++) {
        if (in.get(i) != 0) {
          throw new LtxFormatException(
              Kind.BAD_RESERVED_BYTES, i, "reserved header byte is not zero");
        }
      }
    }
    return new LtxHeader(
        flags,
        pageSize,
        commit,
        minTxid,
        maxTxid,
        in.getLong(32),
        pre,
        walOffset,
        walSize,
        salt1,
        salt2,
        in.getLong(72));
  }

  static void checkPageSize(int pageSize) {
    if (!isValidPageSize(pageSize)) {
      throw new IllegalArgumentException(
          "page size must be a power of two from 512 to 65536: " + pageSize);
    }
  }

  /** True for 512, 1024, ..., 65536. */
  public static boolean isValidPageSize(int pageSize) {
    return pageSize >= 512 && pageSize <= 65536 && Integer.bitCount(pageSize) == 1;
  }

  private static LtxFormatException problem(
      int flags,
      int pageSize,
      long commit,
      long minTxid,
      long maxTxid,
      long pre,
      long walOffset,
      long walSize,
      int salt1,
      int salt2) {
    if ((flags & ~FLAG_COMPRESS_LZ4) != 0) {
      return new LtxFormatException(
          Kind.BAD_FLAGS,
          4,
          String.format("flags %08x: only 00000001 (LZ4) is defined in format v1", flags));
    }
    if (!isValidPageSize(pageSize)) {
      return new LtxFormatException(
          Kind.BAD_PAGE_SIZE,
          8,
          "page size "
              + Integer.toUnsignedString(pageSize)
              + " is not a power of two from 512 to 65536");
    }
    if (minTxid == 0 || maxTxid == 0 || Long.compareUnsigned(minTxid, maxTxid) > 0) {
      return new LtxFormatException(
          Kind.BAD_TXID_RANGE,
          16,
          String.format(
              "txid range %016x..%016x: both must be non-zero and min <= max", minTxid, maxTxid));
    }
    if (walOffset < 0 || walSize < 0) {
      return new LtxFormatException(
          Kind.BAD_WAL_FIELDS, 48, "wal offset and size must not be negative");
    }
    if ((salt1 != 0 || salt2 != 0) && (walOffset == 0 || walSize == 0)) {
      return new LtxFormatException(
          Kind.BAD_WAL_FIELDS, 64, "wal salts are set without a wal offset and size");
    }
    if ((walOffset == 0) != (walSize == 0)) {
      return new LtxFormatException(
          Kind.BAD_WAL_FIELDS, 48, "wal offset and wal size must be both zero or both non-zero");
    }
    if (minTxid == 1 && pre != 0) {
      return new LtxFormatException(
          Kind.BAD_PRE_APPLY_CHECKSUM, 40, "a snapshot must have a zero pre-apply checksum");
    }
    if (minTxid != 1 && (pre & DatabaseChecksum.FLAG) == 0) {
      return new LtxFormatException(
          Kind.BAD_PRE_APPLY_CHECKSUM,
          40,
          String.format("pre-apply checksum %016x must be non-zero with bit 63 set", pre));
    }
    return null;
  }

  /** Starts a header; defaults: no flags, timestamp 0, WAL fields and node ID 0. */
  public static Builder builder(int pageSize, long commit, long minTxid, long maxTxid) {
    return new Builder(pageSize, commit, minTxid, maxTxid);
  }

  /** Fluent construction of a header; {@link #build} validates. */
  public static final class Builder {
    private int flags;
    private final int pageSize;
    private final long commit;
    private final long minTxid;
    private final long maxTxid;
    private long timestamp;
    private long preApplyChecksum;
    private long walOffset;
    private long walSize;
    private int walSalt1;
    private int walSalt2;
    private long nodeId;

    private Builder(int pageSize, long commit, long minTxid, long maxTxid) {
      this.pageSize = pageSize;
      this.commit = commit;
      this.minTxid = minTxid;
      this.maxTxid = maxTxid;
    }

    /** Sets the header flags (0 or {@link #FLAG_COMPRESS_LZ4}). */
    public Builder flags(int value) {
      this.flags = value;
      return this;
    }

    /** Sets or clears the LZ4 flag. */
    public Builder compressed(boolean lz4) {
      this.flags = lz4 ? flags | FLAG_COMPRESS_LZ4 : flags & ~FLAG_COMPRESS_LZ4;
      return this;
    }

    /** Milliseconds since the epoch. */
    public Builder timestamp(long value) {
      this.timestamp = value;
      return this;
    }

    /** The database checksum before this file applies (0 for a snapshot). */
    public Builder preApplyChecksum(long value) {
      this.preApplyChecksum = value;
      return this;
    }

    /** WAL offset, size and salts of the transaction this file was captured from. */
    public Builder wal(long offset, long size, int salt1, int salt2) {
      this.walOffset = offset;
      this.walSize = size;
      this.walSalt1 = salt1;
      this.walSalt2 = salt2;
      return this;
    }

    /** The writing node's ID. */
    public Builder nodeId(long value) {
      this.nodeId = value;
      return this;
    }

    /** Validates and builds. */
    public LtxHeader build() {
      return new LtxHeader(
          flags,
          pageSize,
          commit,
          minTxid,
          maxTxid,
          timestamp,
          preApplyChecksum,
          walOffset,
          walSize,
          walSalt1,
          walSalt2,
          nodeId);
    }
  }
}

package dev.replicafs.replication.sqlite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The 32-byte header of a SQLite write-ahead log.
 *
 * <pre>
 * offset field (all big-endian u32)
 *   0    magic 0x377f0682 (little-endian checksums) or 0x377f0683 (big-endian checksums)
 *   4    format version 3007000
 *   8    page size (65536 is stored as 65536)
 *  12    checkpoint sequence number
 *  16    salt-1 (incremented at each checkpoint restart)
 *  20    salt-2 (random at each restart)
 *  24    checksum-1 over bytes 0..23
 *  28    checksum-2
 * </pre>
 *
 * {@link #parse} rejects a header SQLite's WAL recovery would ignore (bad magic, version, page size
 * or checksum); for SQLite such a WAL holds no frames.
 *
 * @param magic the magic number; its low bit selects the checksum byte order
 * @param formatVersion always {@link #FORMAT_VERSION}
 * @param pageSize page size of every frame
 * @param checkpointSeq checkpoint sequence number (unsigned)
 * @param salt1 salt-1, copied into every valid frame header
 * @param salt2 salt-2, copied into every valid frame header
 * @param checksum checksum over header bytes 0..23
 */
public record WalHeader(
    int magic,
    int formatVersion,
    int pageSize,
    int checkpointSeq,
    int salt1,
    int salt2,
    WalChecksum checksum) {

  /** Size of the WAL header in bytes. */
  public static final int SIZE = 32;

  /** Magic for little-endian checksums (written by SQLite on little-endian machines). */
  public static final int MAGIC_LE = 0x377f0682;

  /** Magic for big-endian checksums. */
  public static final int MAGIC_BE = 0x377f0683;

  /** The only WAL format version SQLite writes. */
  public static final int FORMAT_VERSION = 3007000;

  /** Validates magic, version and page size. */
  public WalHeader {
    if (magic != MAGIC_LE && magic != MAGIC_BE) {
      throw new IllegalArgumentException(
          String.format("wal header: bad magic %08x, expected 377f0682 or 377f0683", magic));
    }
    if (formatVersion != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "wal header: unsupported format version "
              + Integer.toUnsignedString(formatVersion)
              + ", expected "
              + FORMAT_VERSION);
    }
    DatabaseHeader.checkPageSize(pageSize, "wal header");
    if (checksum == null) {
      throw new IllegalArgumentException("wal header: checksum is required");
    }
  }

  /**
   * Builds a header with a correct checksum, e.g. for tests or to start a new WAL.
   *
   * @param bigEndianChecksums whether frames use big-endian checksums (magic 0x377f0683)
   */
  public static WalHeader create(
      boolean bigEndianChecksums, int pageSize, int checkpointSeq, int salt1, int salt2) {
    int magic = bigEndianChecksums ? MAGIC_BE : MAGIC_LE;
    ByteBuffer b = ByteBuffer.allocate(SIZE);
    b.putInt(magic).putInt(FORMAT_VERSION).putInt(pageSize).putInt(checkpointSeq);
    b.putInt(salt1).putInt(salt2);
    WalChecksum sum = WalChecksum.ZERO.update(bigEndianChecksums, b, 0, 24);
    return new WalHeader(magic, FORMAT_VERSION, pageSize, checkpointSeq, salt1, salt2, sum);
  }

  /**
   * Parses and verifies the header at {@code buf}'s position (the position is not moved).
   *
   * @throws SqliteFormatException on a short buffer, bad magic, version, page size or checksum
   */
  public static WalHeader parse(ByteBuffer buf) throws SqliteFormatException {
    if (buf.remaining() < SIZE) {
      throw new SqliteFormatException(
          "wal header: need " + SIZE + " bytes, have " + buf.remaining() + " (empty or short WAL)");
    }
    ByteBuffer b = buf.slice(buf.position(), SIZE).order(ByteOrder.BIG_ENDIAN);
    WalHeader header;
    try {
      header =
          new WalHeader(
              b.getInt(0),
              b.getInt(4),
              b.getInt(8),
              b.getInt(12),
              b.getInt(16),
              b.getInt(20),
              new WalChecksum(b.getInt(24), b.getInt(28)));
    } catch (IllegalArgumentException e) {
      throw new SqliteFormatException(e.getMessage());
    }
    WalChecksum expected = WalChecksum.ZERO.update(header.bigEndianChecksums(), b, 0, 24);
    if (!expected.equals(header.checksum)) {
      throw new SqliteFormatException(
          "wal header: checksum " + header.checksum + " does not match computed " + expected);
    }
    return header;
  }

  /** Reads and verifies the header at offset 0 of {@code source}. */
  public static WalHeader read(PositionalSource source) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(SIZE);
    source.readFully(buf, 0);
    buf.flip();
    return parse(buf);
  }

  /** True if checksums are computed over big-endian words (magic 0x377f0683). */
  public boolean bigEndianChecksums() {
    return (magic & 1) == 1;
  }

  /** Size of one frame: 24-byte frame header plus a page. */
  public int frameSize() {
    return WalFrame.HEADER_SIZE + pageSize;
  }

  /** Offset of frame {@code index} (0-based). */
  public long frameOffset(long index) {
    return SIZE + index * frameSize();
  }

  /** The 32 header bytes as SQLite writes them. */
  public ByteBuffer encode() {
    ByteBuffer b = ByteBuffer.allocate(SIZE);
    b.putInt(magic).putInt(formatVersion).putInt(pageSize).putInt(checkpointSeq);
    b.putInt(salt1).putInt(salt2).putInt(checksum.s1()).putInt(checksum.s2());
    return b.flip();
  }
}

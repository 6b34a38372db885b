package dev.replicafs.replication.sqlite;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A rollback journal segment header. A journal holds one or more segments; each starts with this
 * header at a multiple of the sector size and occupies a whole sector, followed by its page
 * records.
 *
 * <pre>
 * offset size field (big-endian)
 *   0     8  magic d9 d5 05 f9 20 a1 63 d7
 *   8     4  record count (nRec); 0xffffffff: "as many as fit in the file" (unsynced journals)
 *  12     4  checksum nonce, the starting value of every record checksum in the journal
 *  16     4  database size in pages before the transaction (the rollback truncates to it)
 *  20     4  sector size: header size and segment alignment
 *  24     4  page size
 * </pre>
 *
 * PERSIST mode commits by zeroing the first 28 bytes, so a committed persistent journal has no
 * magic: {@link #hasMagic} is how to tell.
 *
 * @param recordCount nRec as stored (unsigned; {@link #RECORDS_TO_END_OF_FILE} means unknown)
 * @param nonce the checksum nonce (cksumInit)
 * @param initialPageCount database size in pages when the transaction started
 * @param sectorSize sector size, a power of two from 32 to 65536
 * @param pageSize page size, a power of two from 512 to 65536
 */
public record JournalHeader(
    long recordCount, int nonce, long initialPageCount, int sectorSize, int pageSize) {

  /** Bytes of the header that carry fields (the rest of the sector is padding). */
  public static final int SIZE = 28;

  /** nRec value meaning the record count must be computed from the file size. */
  public static final long RECORDS_TO_END_OF_FILE = 0xFFFF_FFFFL;

  private static final long MAGIC = 0xd9d505f920a163d7L;

  /** Validates the sizes as SQLite's {@code readJournalHdr} does. */
  public JournalHeader {
    if (recordCount < 0 || recordCount > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("journal header: record count out of range");
    }
    if (initialPageCount < 0 || initialPageCount > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("journal header: initial page count out of range");
    }
    if (sectorSize < 32 || sectorSize > 65536 || Integer.bitCount(sectorSize) != 1) {
      throw new IllegalArgumentException(
          "journal header: sector size " + sectorSize + " is not a power of two from 32 to 65536");
    }
    DatabaseHeader.checkPageSize(pageSize, "journal header");
  }

  /** True if {@code buf} at its position starts with the journal magic. */
  public static boolean hasMagic(ByteBuffer buf) {
    return buf.remaining() >= 8
        && buf.duplicate().order(ByteOrder.BIG_ENDIAN).getLong(buf.position()) == MAGIC;
  }

  /**
   * Parses a segment header at {@code buf}'s position (not moved).
   *
   * @throws SqliteFormatException if fewer than 28 bytes remain, the magic is missing (no hot
   *     journal: never written, or committed in PERSIST mode) or a size is invalid
   */
  public static JournalHeader parse(ByteBuffer buf) throws SqliteFormatException {
    if (buf.remaining() < SIZE) {
      throw new SqliteFormatException(
          "journal header: need " + SIZE + " bytes, have " + buf.remaining());
    }
    ByteBuffer b = buf.slice(buf.position(), SIZE).order(ByteOrder.BIG_ENDIAN);
    if (b.getLong(0) != MAGIC) {
      throw new SqliteFormatException(
          "journal header: no magic d9d505f920a163d7 (journal is committed, zeroed or not a"
              + " journal)");
    }
    try {
      return new JournalHeader(
          Integer.toUnsignedLong(b.getInt(8)),
          b.getInt(12),
          Integer.toUnsignedLong(b.getInt(16)),
          b.getInt(20),
          b.getInt(24));
    } catch (IllegalArgumentException e) {
      throw new SqliteFormatException(e.getMessage());
    }
  }

  /** The 28 header bytes as SQLite writes them (the caller pads to the sector size). */
  public ByteBuffer encode() {
    ByteBuffer b = ByteBuffer.allocate(SIZE);
    b.putLong(MAGIC).putInt((int) recordCount).putInt(nonce).putInt((int) initialPageCount);
    b.putInt(sectorSize).putInt(pageSize);
    return b.flip();
  }

  /** Size of one page record: 4-byte page number, the page, 4-byte checksum. */
  public int recordSize() {
    return pageSize + 8;
  }

  /**
   * SQLite's record checksum ({@code pager_cksum}): the nonce plus every 200th byte of the page,
   * from offset {@code pageSize - 200} down to (excluding) offset 0, as unsigned bytes.
   */
  public int recordChecksum(ByteBuffer page, int offset) {
    int sum = nonce;
    for (int i = pageSize - 200; i > 0; i -= 200) {
      sum += Byte.toUnsignedInt(page.get(offset + i));
    }
    return sum;
  }
}

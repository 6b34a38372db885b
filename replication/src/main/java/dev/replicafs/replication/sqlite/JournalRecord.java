package dev.replicafs.replication.sqlite;

/**
 * One verified page record of a rollback journal: the original content of page {@code pgno} before
 * the transaction, to be written back on rollback.
 *
 * <pre>
 * record (page size + 8 bytes): u32 page number, page data, u32 checksum (big-endian)
 * </pre>
 *
 * @param offset file offset of the record (the page data starts 4 bytes later)
 * @param pgno page number (unsigned 32-bit, never 0)
 */
public record JournalRecord(long offset, long pgno) {

  /** Validates the values. */
  public JournalRecord {
    if (offset < JournalHeader.SIZE || pgno <= 0 || pgno > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("journal record: bad offset or page number");
    }
  }

  /** Offset of the page data. */
  public long pageOffset() {
    return offset + 4;
  }
}

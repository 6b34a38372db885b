package dev.replicafs.replication.sqlite;

/**
 * One valid WAL frame header, as the {@link WalReader} found it.
 *
 * <pre>
 * frame header (24 bytes, big-endian u32), followed by page-size bytes of page data
 *   0  page number (never 0)
 *   4  for a commit frame the database size in pages after the commit, otherwise 0
 *   8  salt-1, must equal the WAL header's
 *  12  salt-2, must equal the WAL header's
 *  16  checksum-1, cumulative over all frames so far (header bytes 0..7 and page data)
 *  20  checksum-2
 * </pre>
 *
 * @param offset file offset of the frame header; the page data starts at {@link #pageOffset()}
 * @param pgno page number
 * @param commitSize database size in pages after this commit, 0 if not a commit frame (unsigned)
 * @param checksum the cumulative checksum stored in (and verified for) this frame
 */
public record WalFrame(long offset, long pgno, long commitSize, WalChecksum checksum) {

  /** Size of a frame header in bytes. */
  public static final int HEADER_SIZE = 24;

  /** Validates the values a valid frame can have. */
  public WalFrame {
    if (offset < WalHeader.SIZE) {
      throw new IllegalArgumentException("wal frame offset " + offset + " inside the header");
    }
    if (pgno <= 0 || pgno > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("wal frame page number " + pgno + " out of range");
    }
    if (commitSize < 0 || commitSize > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("wal frame commit size " + commitSize + " out of range");
    }
  }

  /** True for the last frame of a transaction. */
  public boolean isCommit() {
    return commitSize != 0;
  }

  /** Offset of this frame's page data. */
  public long pageOffset() {
    return offset + HEADER_SIZE;
  }
}

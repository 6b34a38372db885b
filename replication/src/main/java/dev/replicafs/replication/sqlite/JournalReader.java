package dev.replicafs.replication.sqlite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads the page records of a hot rollback journal in the order SQLite's {@code pager_playback}
 * plays them back, so the store can roll back an interrupted transaction at startup exactly as
 * SQLite would: write each record's page back to the database, then truncate the database to {@link
 * JournalHeader#initialPageCount()} of the first header.
 *
 * <p>Segments: the first header is at offset 0; records start one sector later; the next header
 * starts at the first sector boundary after the last record. A segment whose nRec is {@link
 * JournalHeader#RECORDS_TO_END_OF_FILE} extends to the end of the file. Reading ends when the next
 * header is missing, short or has no magic; or, as in SQLite, at the first record that is
 * truncated, names page 0 or the lock page, or fails its checksum ({@link #stop()}).
 *
 * <p>Multi-database transactions: a journal that belongs to one ends with the name of its
 * super-journal ({@link #superJournal()}). SQLite plays such a journal back only if that
 * super-journal file still exists (otherwise the transaction committed in every database); the
 * caller must apply the same rule. The record count excludes that tail, so records never include
 * it.
 *
 * <p>Not thread-safe. Memory: one record buffer.
 */
public final class JournalReader {
  /** SQLite's unix VFS limit on path names (MAX_PATHNAME). */
  private static final int MAX_SUPER_JOURNAL_NAME = 512;

  private final PositionalSource source;
  private final long fileSize;
  private final JournalHeader first;
  private final ByteBuffer record;
  private final ByteBuffer headerBuf = ByteBuffer.allocate(JournalHeader.SIZE);
  private JournalHeader segment;
  private long offset;
  private long recordsLeft;
  private int segments = 1;
  private JournalStop stop = JournalStop.NONE;
  private String superJournal;

  private JournalReader(PositionalSource source, long fileSize, JournalHeader first) {
    this.source = source;
    this.fileSize = fileSize;
    this.first = first;
    this.segment = first;
    this.record = ByteBuffer.allocate(first.recordSize());
    this.offset = first.sectorSize();
    this.recordsLeft = recordCount(first, offset);
  }

  /**
   * Opens the journal of {@code fileSize} bytes and reads its first header.
   *
   * @throws SqliteFormatException if the first header is missing or invalid: then the journal is
   *     not hot and there is nothing to roll back
   */
  public static JournalReader open(PositionalSource source, long fileSize) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(JournalHeader.SIZE);
    source.readFully(buf, 0);
    JournalHeader header = JournalHeader.parse(buf.flip());
    if (fileSize < header.sectorSize()) {
      throw new SqliteFormatException(
          "journal: file of "
              + fileSize
              + " bytes is shorter than its header sector of "
              + header.sectorSize());
    }
    JournalReader reader = new JournalReader(source, fileSize, header);
    reader.superJournal = readSuperJournal(source, fileSize, header.pageSize());
    return reader;
  }

  /**
   * The super-journal path recorded at the end of the journal of a multi-database transaction, if
   * any (SQLite's {@code readSuperJournal} rules: magic, length, lock-page marker and checksum).
   */
  public Optional<String> superJournal() {
    return Optional.ofNullable(superJournal);
  }

  /** The first segment header (its page size, nonce and initial page count rule the rollback). */
  public JournalHeader header() {
    return first;
  }

  /** Number of segment headers read so far (SQLite starts a segment after each journal sync). */
  public int segments() {
    return segments;
  }

  /** Why reading stopped, or {@link JournalStop#NONE}. */
  public JournalStop stop() {
    return stop;
  }

  /**
   * Reads the next verified record.
   *
   * @param page if not null, receives the original page content (page-size bytes)
   * @return the record, or null once reading stopped
   */
  public JournalRecord next(ByteBuffer page) throws IOException {
    if (stop != JournalStop.NONE) {
      return null;
    }
    while (recordsLeft == 0) {
      if (!nextSegment()) {
        stop = JournalStop.END_OF_JOURNAL;
        return null;
      }
    }
    record.clear();
    if (offset + record.capacity() > fileSize || !source.readFully(record, offset)) {
      stop = JournalStop.TRUNCATED_RECORD;
      return null;
    }
    long pgno = Integer.toUnsignedLong(record.getInt(0));
    if (pgno == 0 || pgno == DatabaseHeader.lockPage(first.pageSize())) {
      stop = JournalStop.INVALID_PAGE_NUMBER;
      return null;
    }
    int stored = record.getInt(4 + first.pageSize());
    if (segment.recordChecksum(record, 4) != stored) {
      stop = JournalStop.CHECKSUM_MISMATCH;
      return null;
    }
    if (page != null) {
      page.put(record.slice(4, first.pageSize()));
    }
    JournalRecord result = new JournalRecord(offset, pgno);
    offset += record.capacity();
    recordsLeft--;
    return result;
  }

  private boolean nextSegment() throws IOException {
    int sector = first.sectorSize();
    long headerOffset = ((offset + sector - 1) / sector) * sector;
    if (headerOffset + sector > fileSize) {
      return false;
    }
    headerBuf.clear();
    if (!source.readFully(headerBuf, headerOffset)) {
      return false;
    }
    headerBuf.flip();
    if (!JournalHeader.hasMagic(headerBuf)) {
      return false;
    }
    JournalHeader next = JournalHeader.parse(headerBuf);
    if (next.pageSize() != first.pageSize()) {
      throw new SqliteFormatException(
          "journal: segment at "
              + headerOffset
              + " has page size "
              + next.pageSize()
              + ", first segment has "
              + first.pageSize());
    }
    segment = next;
    segments++;
    offset = headerOffset + sector;
    recordsLeft = recordCount(next, offset);
    return true;
  }

  /**
   * Tail layout: u32 lock page number, name, u32 name length, u32 checksum (sum of the name's
   * bytes), journal magic. Returns null if there is no valid tail.
   */
  private static String readSuperJournal(PositionalSource source, long size, int pageSize)
      throws IOException {
    if (size < 16) {
      return null;
    }
    ByteBuffer tail = ByteBuffer.allocate(16);
    if (!source.readFully(tail, size - 16) || !JournalHeader.hasMagic(tail.slice(8, 8))) {
      return null;
    }
    int len = tail.getInt(0);
    if (len <= 0 || len > MAX_SUPER_JOURNAL_NAME || len + 20L > size) {
      return null;
    }
    ByteBuffer rec = ByteBuffer.allocate(4 + len);
    if (!source.readFully(rec, size - 20 - len)
        || Integer.toUnsignedLong(rec.getInt(0)) != DatabaseHeader.lockPage(pageSize)) {
      return null;
    }
    int signed = 0;
    int unsigned = 0;
    for (int i = 4; i < rec.capacity(); i++) {
      signed += rec.get(i);
      unsigned += Byte.toUnsignedInt(rec.get(i));
    }
    int stored = tail.getInt(4);
    if (stored != signed && stored != unsigned) {
      return null;
    }
    return new String(rec.array(), 4, len, StandardCharsets.UTF_8);
  }

  private long recordCount(JournalHeader header, long recordsStart) {
    if (header.recordCount() == JournalHeader.RECORDS_TO_END_OF_FILE) {
      return Math.max(0, (fileSize - recordsStart) / header.recordSize());
    }
    return header.recordCount();
  }
}

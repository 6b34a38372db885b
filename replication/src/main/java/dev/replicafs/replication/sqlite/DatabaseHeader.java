package dev.replicafs.replication.sqlite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The 100-byte header at the start of a SQLite database file (page 1), with the fields the
 * replication layer needs.
 *
 * <pre>
 * offset size field
 *   0     16  magic "SQLite format 3\0"
 *  16      2  page size, big-endian; 1 means 65536
 *  18      1  file format write version: 1 rollback journal, 2 WAL
 *  19      1  file format read version:  1 rollback journal, 2 WAL
 *  20      1  reserved space at the end of each page
 *  21      3  payload fractions, always 64, 32, 32
 *  24      4  file change counter
 *  28      4  database size in pages (valid only if version-valid-for == change counter)
 *  92      4  version-valid-for: the change counter when the page count was last written
 *  96      4  SQLITE_VERSION_NUMBER of the library that last wrote the file
 * </pre>
 *
 * All integers are big-endian; 32-bit values are kept as unsigned longs. The compact constructor
 * enforces what SQLite checks when it opens a file, so an instance always describes a header SQLite
 * would accept.
 *
 * @param pageSize page size in bytes, a power of two from 512 to 65536
 * @param writeVersion header byte 18
 * @param readVersion header byte 19
 * @param reservedSpace bytes reserved at the end of each page (usable size must stay >= 480)
 * @param changeCounter file change counter (offset 24)
 * @param pageCount in-header database size in pages (offset 28)
 * @param versionValidFor offset 92
 * @param sqliteVersion offset 96
 */
public record DatabaseHeader(
    int pageSize,
    JournalMode writeVersion,
    JournalMode readVersion,
    int reservedSpace,
    long changeCounter,
    long pageCount,
    long versionValidFor,
    long sqliteVersion) {

  /** Size of the header in bytes. */
  public static final int SIZE = 100;

  /** The 16 magic bytes every database file starts with. */
  static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

  /** Smallest usable page size (page size minus reserved space) SQLite accepts. */
  private static final int MIN_USABLE_SIZE = 480;

  /** Validates what SQLite validates when it reads page 1. */
  public DatabaseHeader {
    checkPageSize(pageSize, "database header");
    if (writeVersion == null || readVersion == null) {
      throw new IllegalArgumentException("database header: format versions are required");
    }
    if (reservedSpace < 0 || reservedSpace > 255 || pageSize - reservedSpace < MIN_USABLE_SIZE) {
      throw new IllegalArgumentException(
          "database header: reserved space "
              + reservedSpace
              + " leaves fewer than "
              + MIN_USABLE_SIZE
              + " usable bytes in a page of "
              + pageSize);
    }
    checkU32(changeCounter, "change counter");
    checkU32(pageCount, "page count");
    checkU32(versionValidFor, "version-valid-for");
    checkU32(sqliteVersion, "sqlite version");
  }

  /**
   * Parses the header from {@code buf} starting at its position (the position is not moved).
   *
   * @throws SqliteFormatException if fewer than 100 bytes remain or the header is not one SQLite
   *     would open, with a message naming the field
   */
  public static DatabaseHeader parse(ByteBuffer buf) throws SqliteFormatException {
    if (buf.remaining() < SIZE) {
      throw new SqliteFormatException(
          "database header: need " + SIZE + " bytes, file has " + buf.remaining());
    }
    ByteBuffer b = buf.slice().order(ByteOrder.BIG_ENDIAN);
    byte[] magic = new byte[MAGIC.length];
    b.get(0, magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new SqliteFormatException(
          "database header: bad magic, expected \"SQLite format 3\\0\" (not a SQLite database)");
    }
    int rawPageSize = Short.toUnsignedInt(b.getShort(16));
    int pageSize = rawPageSize == 1 ? 65536 : rawPageSize;
    try {
      checkPageSize(pageSize, "database header");
    } catch (IllegalArgumentException e) {
      throw new SqliteFormatException(e.getMessage());
    }
    JournalMode write = JournalMode.ofFormatByte(Byte.toUnsignedInt(b.get(18)));
    JournalMode read = JournalMode.ofFormatByte(Byte.toUnsignedInt(b.get(19)));
    int reserved = Byte.toUnsignedInt(b.get(20));
    if (b.get(21) != 64 || b.get(22) != 32 || b.get(23) != 32) {
      throw new SqliteFormatException(
          "database header: payload fractions at offsets 21..23 must be 64, 32, 32");
    }
    try {
      return new DatabaseHeader(
          pageSize,
          write,
          read,
          reserved,
          Integer.toUnsignedLong(b.getInt(24)),
          Integer.toUnsignedLong(b.getInt(28)),
          Integer.toUnsignedLong(b.getInt(92)),
          Integer.toUnsignedLong(b.getInt(96)));
    } catch (IllegalArgumentException e) {
      throw new SqliteFormatException(e.getMessage());
    }
  }

  /**
   * Reads and parses the header at offset 0 of {@code source}.
   *
   * @throws SqliteFormatException if the file is shorter than 100 bytes or the header is invalid
   */
  public static DatabaseHeader read(PositionalSource source) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(SIZE);
    source.readFully(buf, 0);
    buf.flip();
    return parse(buf);
  }

  /** True if the header denotes WAL mode (bytes 18 and 19 both 2), as SQLite decides. */
  public boolean isWal() {
    return writeVersion == JournalMode.WAL && readVersion == JournalMode.WAL;
  }

  /** True if a 100-byte header image at {@code buf}'s position says WAL, without validating it. */
  public static boolean isWal(ByteBuffer buf) {
    return buf.remaining() >= 20
        && buf.get(buf.position() + 18) == 2
        && buf.get(buf.position() + 19) == 2;
  }

  /**
   * True if the in-header page count can be trusted: SQLite uses it only when it is non-zero and
   * version-valid-for equals the change counter (otherwise the file size decides).
   */
  public boolean pageCountValid() {
    return pageCount != 0 && versionValidFor == changeCounter;
  }

  /**
   * The database size in pages as SQLite computes it: the header value if {@link
   * #pageCountValid()}, otherwise the file size divided by the page size.
   */
  public long effectivePageCount(long fileSize) {
    return pageCountValid() ? pageCount : fileSize / pageSize;
  }

  /** Page number of the lock page (the page holding byte 0x40000000), skipped by replication. */
  public static long lockPage(int pageSize) {
    return 0x40000000L / pageSize + 1;
  }

  static void checkPageSize(int pageSize, String where) {
    if (pageSize < 512 || pageSize > 65536 || Integer.bitCount(pageSize) != 1) {
      throw new IllegalArgumentException(
          where + ": page size " + pageSize + " is not a power of two from 512 to 65536");
    }
  }

  private static void checkU32(long value, String field) {
    if (value < 0 || value > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException(
          "database header: " + field + " " + value + " is not an unsigned 32-bit value");
    }
  }
}

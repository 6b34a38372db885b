package dev.replicafs.replication.store;

import dev.replicafs.replication.sqlite.DatabaseHeader;
import dev.replicafs.replication.sqlite.SqliteFormatException;
import java.nio.ByteBuffer;

/**
 * Refuses database-file changes that SQLite never makes and that would leave the primary's file
 * different from what was replicated: a write into page 1 that is not a valid SQLite header (for
 * example {@code cp notes.txt app.db} or {@code dd} over the header), a write starting inside the
 * 100-byte header, and truncating a database that holds committed pages to zero or to a size that
 * is not a whole number of pages ({@code cp} and shell redirection truncate on open). The FUSE
 * layer answers {@link InvalidWriteException} with EIO and a log line naming the database; the file
 * is untouched. Replacing a database goes through {@code replicafs import}.
 */
final class DatabaseWriteCheck {
  private DatabaseWriteCheck() {}

  static void write(String db, ByteBuffer src, long offset) throws InvalidWriteException {
    if (offset >= DatabaseHeader.SIZE || !src.hasRemaining()) {
      return;
    }
    if (offset != 0) {
      throw new InvalidWriteException(
          "write at offset "
              + offset
              + " inside the SQLite header refused: db="
              + db
              + "; replace a database with `replicafs import`");
    }
    if (src.remaining() < DatabaseHeader.SIZE) {
      throw new InvalidWriteException(
          "partial write of the SQLite header refused ("
              + src.remaining()
              + " bytes): db="
              + db
              + "; replace a database with `replicafs import`");
    }
    try {
      DatabaseHeader.parse(src.duplicate());
    } catch (SqliteFormatException | IllegalArgumentException e) {
      throw new InvalidWriteException(
          "write of a non-SQLite page 1 refused: db="
              + db
              + " reason="
              + e.getMessage()
              + "; replace a database with `replicafs import`");
    }
  }

  static void truncate(String db, long size, int pageSize, long committedPages)
      throws InvalidWriteException {
    if (committedPages == 0 || pageSize == 0) {
      return;
    }
    if (size == 0 || size % pageSize != 0) {
      throw new InvalidWriteException(
          "truncating the database to "
              + size
              + " bytes refused (it holds "
              + committedPages
              + " committed pages of "
              + pageSize
              + " bytes): db="
              + db
              + "; replace a database with `replicafs import`");
    }
  }
}

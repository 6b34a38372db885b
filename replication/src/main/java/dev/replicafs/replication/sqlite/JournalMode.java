package dev.replicafs.replication.sqlite;

/**
 * How a database commits, as recorded in the file-format bytes 18 (write version) and 19 (read
 * version) of its header: 1 for the rollback journal (DELETE, TRUNCATE, PERSIST, MEMORY, OFF all
 * look alike on disk), 2 for WAL.
 */
public enum JournalMode {
  /** Format byte 1: legacy rollback journal. */
  ROLLBACK,
  /** Format byte 2: write-ahead log. */
  WAL;

  /** Maps a header format byte (1 or 2) to a mode. */
  static JournalMode ofFormatByte(int value) throws SqliteFormatException {
    return switch (value) {
      case 1 -> ROLLBACK;
      case 2 -> WAL;
      default ->
          throw new SqliteFormatException(
              "database header: file format byte is "
                  + value
                  + ", expected 1 (rollback journal) or 2 (WAL); the file was written by a newer"
                  + " or non-SQLite program");
    };
  }
}

package dev.replicafs.replication.sqlite;

import java.io.IOException;

/**
 * A SQLite file (database header, WAL header, journal header) does not have the format SQLite would
 * accept. The message names the file part, the offending value and what was expected.
 */
public final class SqliteFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message that says what is wrong and what was expected. */
  public SqliteFormatException(String message) {
    super(message);
  }
}

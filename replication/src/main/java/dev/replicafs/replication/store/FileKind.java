package dev.replicafs.replication.store;

/**
 * The real files a {@link Db} owns, as SQLite names them beside the database ({@code <db>}, {@code
 * <db>-journal}, {@code <db>-wal}, {@code <db>-shm}) and as LiteFS stores them under {@code
 * <data>/dbs/<name>/}.
 */
public enum FileKind {
  DATABASE("database", ""),
  JOURNAL("journal", "-journal"),
  WAL("wal", "-wal"),
  SHM("shm", "-shm");

  private final String fileName;
  private final String suffix;

  FileKind(String fileName, String suffix) {
    this.fileName = fileName;
    this.suffix = suffix;
  }

  /** File name inside {@code <data>/dbs/<name>/}. */
  public String fileName() {
    return fileName;
  }

  /** Suffix SQLite appends to the database name for this file (empty for the database). */
  public String suffix() {
    return suffix;
  }
}

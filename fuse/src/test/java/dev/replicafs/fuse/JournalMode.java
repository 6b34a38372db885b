package dev.replicafs.fuse;

/** The four SQLite journal modes every mount test runs in. */
enum JournalMode {
  DELETE,
  TRUNCATE,
  PERSIST,
  WAL;

  String pragma() {
    return "PRAGMA journal_mode=" + name();
  }
}

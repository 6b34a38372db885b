package dev.replicafs.replication.sqlite;

/**
 * Why a {@link JournalReader} stopped. Each reason is also where SQLite's hot-journal playback
 * ({@code pager_playback}) stops: records after it are not played back.
 */
public enum JournalStop {
  /** Not stopped yet. */
  NONE,
  /** Every record of every segment was read (no further segment header with a valid magic). */
  END_OF_JOURNAL,
  /** The file ends inside a record: the journal was not completely written before a crash. */
  TRUNCATED_RECORD,
  /** A record's checksum does not match its page: an unsynced, torn record. */
  CHECKSUM_MISMATCH,
  /** A record names page 0 or the lock page, which SQLite never journals. */
  INVALID_PAGE_NUMBER
}

package dev.replicafs.replication.sqlite;

/**
 * Why a {@link WalReader} stopped reading frames. Every reason but {@link #END_OF_FILE} is what
 * SQLite's WAL recovery also treats as the end of the log: the frames from there on are ignored,
 * and so is any trailing frame run without a commit frame.
 */
public enum WalStop {
  /** Not stopped yet. */
  NONE,
  /** The file ends exactly at a frame boundary. */
  END_OF_FILE,
  /** The file ends inside a frame header or its page data (a torn append). */
  TRUNCATED_FRAME,
  /** The frame's salts differ from the header's: a leftover from before the last WAL restart. */
  SALT_MISMATCH,
  /** The frame's cumulative checksum does not match (torn or damaged write). */
  CHECKSUM_MISMATCH,
  /** The frame names page 0, which no valid frame does. */
  ZERO_PAGE_NUMBER
}

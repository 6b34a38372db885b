package dev.replicafs.replication.store;

/**
 * Whether every write to a database's file has been made durable by an fsync since. Each write or
 * truncate bumps the file's generation; an fsync records the generation it saw before it started,
 * so a write racing with an fsync keeps the file unsynced. Commits use it to skip an fsync the
 * application (SQLite) already did: in {@code synchronous=FULL} SQLite fsyncs the WAL before it
 * releases the WRITE lock and the database before it invalidates the journal, so a second fsync by
 * the store would only repeat it (docs/BENCHMARKS.md, "Commit path").
 */
final class SyncTracker {
  private final long[] written = new long[FileKind.values().length];
  private final long[] synced = new long[FileKind.values().length];

  /** A write or truncate of {@code kind} happened (or is about to complete). */
  synchronized void wrote(FileKind kind) {
    written[kind.ordinal()]++;
  }

  /** The generation an fsync starting now covers. */
  synchronized long generation(FileKind kind) {
    return written[kind.ordinal()];
  }

  /** An fsync that started at {@code generation} completed. */
  synchronized void synced(FileKind kind, long generation) {
    int i = kind.ordinal();
    synced[i] = Math.max(synced[i], generation);
  }

  /** Whether every write of {@code kind} so far is covered by a completed fsync. */
  synchronized boolean isDurable(FileKind kind) {
    int i = kind.ordinal();
    return synced[i] >= written[i];
  }
}

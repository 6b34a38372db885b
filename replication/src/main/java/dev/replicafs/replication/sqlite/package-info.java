/**
 * SQLite's on-disk formats, read without SQLite: the 100-byte database header ({@link
 * dev.replicafs.replication.sqlite.DatabaseHeader}), the write-ahead log ({@link
 * dev.replicafs.replication.sqlite.WalHeader}, {@link dev.replicafs.replication.sqlite.WalReader})
 * and the rollback journal ({@link dev.replicafs.replication.sqlite.JournalHeader}, {@link
 * dev.replicafs.replication.sqlite.JournalReader}).
 *
 * <p>Pure: JDK only, positional reads through {@link
 * dev.replicafs.replication.sqlite.PositionalSource} so every class works on a {@link
 * java.nio.channels.FileChannel} and on an in-memory {@link java.nio.ByteBuffer} alike. Damage is
 * reported as {@link dev.replicafs.replication.sqlite.SqliteFormatException}; where SQLite itself
 * treats damage as "the log ends here" (WAL frames, journal records) the readers stop and say why
 * instead of throwing.
 */
package dev.replicafs.replication.sqlite;

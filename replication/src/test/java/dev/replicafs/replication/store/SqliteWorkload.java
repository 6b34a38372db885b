package dev.replicafs.replication.store;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;

/**
 * Public face of the store tests' {@link SqliteMirror} for the replication tests: real SQLite runs
 * on a scratch file and each transaction is replayed on a primary's {@link Db} through the seam
 * calls SQLite makes through the mount, so the primary records real LTX files.
 */
public final class SqliteWorkload implements AutoCloseable {
  /** The journal modes, as in the store tests. */
  public enum Mode {
    DELETE,
    TRUNCATE,
    PERSIST,
    WAL
  }

  private final SqliteMirror mirror;
  private final Db db;

  private SqliteWorkload(SqliteMirror mirror, Db db) {
    this.mirror = mirror;
    this.db = db;
  }

  /**
   * Starts a workload on {@code db} with SQLite's scratch file in {@code scratch} (which may hold a
   * {@code real.db} equal to the database's current content) and creates the table if asked.
   */
  public static SqliteWorkload start(Db db, Path scratch, Mode mode, long seed, boolean init)
      throws IOException, SQLException {
    java.nio.file.Files.createDirectories(scratch);
    SqliteMirror m = new SqliteMirror(scratch, SqliteMirror.Mode.valueOf(mode.name()), 4096, seed);
    SqliteWorkload w = new SqliteWorkload(m, db);
    if (init) {
      SqliteMirror.run(db, m.init());
    }
    return w;
  }

  /** One random write transaction. */
  public void randomTx() throws IOException, SQLException {
    SqliteMirror.run(db, mirror.randomTx());
  }

  /** The statements in one transaction. */
  public void tx(String... sql) throws IOException, SQLException {
    SqliteMirror.run(db, mirror.tx(sql));
  }

  /** Statements outside a transaction on the scratch database (pragmas); no seam calls. */
  public void exec(String... sql) throws SQLException {
    mirror.exec(sql);
  }

  /** VACUUM. */
  public void vacuum() throws IOException, SQLException {
    SqliteMirror.run(db, mirror.vacuum());
  }

  /** {@code PRAGMA wal_checkpoint(TRUNCATE)} (WAL mode). */
  public void checkpoint() throws IOException, SQLException {
    SqliteMirror.run(db, mirror.checkpoint());
  }

  /**
   * After a transaction failed half-way (a write refused): releases the WAL WRITE lock the mirror's
   * connection took, as SQLite does when it rolls back. A no-op when it holds none.
   */
  public void releaseLocks() {
    SqliteMirror.lockWrite(db, false);
  }

  /** The scratch file real SQLite writes. */
  public Path sqliteFile() {
    return mirror.real;
  }

  @Override
  public void close() throws SQLException {
    mirror.close();
  }
}

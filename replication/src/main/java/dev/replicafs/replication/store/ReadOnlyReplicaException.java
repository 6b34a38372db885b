package dev.replicafs.replication.store;

/**
 * A write reached a database while this node is a replica. The FUSE layer maps it to {@code EACCES}
 * so that SQLite reports {@code SQLITE_READONLY}; writes belong on the primary.
 */
public class ReadOnlyReplicaException extends StoreException {
  private static final long serialVersionUID = 1L;

  public ReadOnlyReplicaException(String db) {
    super("database is read-only on a replica: db=" + db + "; send writes to the primary");
  }

  protected ReadOnlyReplicaException(String db, String message) {
    super(message);
  }
}

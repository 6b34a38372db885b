package dev.replicafs.replication.store;

/**
 * A write reached a replica's database whose halt lock expired, was refused by the primary or ended
 * with a primary change. Like {@link ReadOnlyReplicaException} it becomes {@code EACCES}; the
 * application releases the lock and takes it again.
 */
public final class HaltLostException extends ReadOnlyReplicaException {
  private static final long serialVersionUID = 1L;

  public HaltLostException(String db, String reason) {
    super(db, "the halt lock on db=" + db + " is lost (" + reason + "); release and take it again");
  }

  public HaltLostException(String db, String reason, Throwable cause) {
    this(db, reason);
    initCause(cause);
  }
}

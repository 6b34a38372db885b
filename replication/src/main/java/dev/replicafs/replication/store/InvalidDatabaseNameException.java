package dev.replicafs.replication.store;

/** A database name that cannot be stored; the message says which rule it broke. */
public final class InvalidDatabaseNameException extends StoreException {
  private static final long serialVersionUID = 1L;

  public InvalidDatabaseNameException(String message) {
    super(message);
  }
}

package dev.replicafs.replication.store;

/**
 * A {@link CommitGate} gave up on a commit: not enough replicas acknowledged it in time
 * (docs/SYNC.md). In rollback-journal modes it fails the file-system call that would have
 * invalidated the journal, so SQLite rolls the transaction back; in WAL mode SQLite has already
 * committed and the store only logs it.
 */
public class CommitNotConfirmedException extends StoreException {
  private static final long serialVersionUID = 1L;

  public CommitNotConfirmedException(String message) {
    super(message);
  }
}

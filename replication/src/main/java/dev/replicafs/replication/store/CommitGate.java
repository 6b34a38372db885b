package dev.replicafs.replication.store;

import java.io.IOException;

/**
 * The point in a local commit where synchronous replication waits. It runs after the LTX file is
 * durable and the position listeners saw the new position (so the stream can ship it), but before
 * the file-system call that completed the transaction (journal delete, truncate or header zeroing,
 * WAL lock release) returns to SQLite, and outside the database's lock so other readers proceed.
 *
 * <p>In rollback-journal modes the gate runs before the journal is invalidated: throwing makes that
 * file-system call fail ({@code EIO}) with the journal still hot, so SQLite rolls the transaction
 * back; the LTX file stays recorded and the rollback is recorded as the next transaction. In WAL
 * mode SQLite has already committed; a {@link CommitNotConfirmedException} is only logged
 * (docs/SYNC.md). The default gate returns at once (asynchronous replication).
 */
@FunctionalInterface
public interface CommitGate {
  /** Blocks until the commit described by {@code event} may be reported done. */
  void awaitCommitted(PositionEvent event) throws IOException;

  /** Asynchronous replication: returns at once. */
  CommitGate NONE = event -> {};
}

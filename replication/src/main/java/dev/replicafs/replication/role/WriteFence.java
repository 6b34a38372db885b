package dev.replicafs.replication.role;

import dev.replicafs.lease.Lease;
import dev.replicafs.lease.LeaseMonitor;
import dev.replicafs.replication.store.Store;

/**
 * The only code that turns the store's write permission on or off, so that the lease monitor's
 * fence (on its own thread, at the lease's deadline) and the owner thread's transitions cannot undo
 * each other: writes are allowed only while the current term's lease is valid, and once a term is
 * lost nothing re-allows writes for it.
 *
 * <p>The fence is the one action taken outside the owner thread: it must happen at the deadline
 * even when the owner thread is busy in a blocking call, and it only ever lowers the permission.
 */
final class WriteFence {

  private final Store store;
  private Lease term;

  WriteFence(Store store) {
    this.store = store;
  }

  /** Allows writes under {@code monitor}'s lease if it is still valid; returns whether it did. */
  synchronized boolean open(LeaseMonitor monitor) {
    if (!monitor.isValid()) {
      return false;
    }
    term = monitor.lease();
    store.setPrimary(true);
    return true;
  }

  /** Refuses writes (handoff, demotion, close). The term may be reopened. */
  synchronized void close() {
    store.setPrimary(false);
  }

  /** Refuses writes because {@code lease} is lost; its monitor is no longer valid either. */
  synchronized void lost(Lease lease) {
    store.setPrimary(false);
    if (term == lease) {
      term = null;
    }
  }
}

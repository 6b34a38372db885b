package dev.replicafs.replication.role;

import dev.replicafs.lease.PrimaryInfo;

/**
 * How a candidate asks the current primary to hand it the lease ({@code POST
 * <primary>/handoff?nodeID=<self>}). Implemented by the node HTTP client; tests use a fake.
 */
@FunctionalInterface
public interface HandoffRequester {

  /**
   * Returns once the primary handed its lease off to {@code nodeId} (it answered 200).
   *
   * @throws HandoffException the primary refused or could not be reached
   */
  void requestHandoff(PrimaryInfo primary, long nodeId)
      throws HandoffException, InterruptedException;
}

package dev.replicafs.replication.role;

import java.util.Optional;

/**
 * Asked by a JOINING candidate right before it tries to acquire a free lease: may it? Synchronous
 * replication's election step (docs/SYNC.md, "Election step") refuses while another replica may
 * hold an acknowledged transaction this node lacks. A refusal makes the pass wait one {@code
 * lease.reconnect-delay} and ask again. Not asked when a lease is handed over, nor after {@code
 * POST /promote} on a node that sees no primary (the operator overrides the rule). Called on the
 * role machine's owner thread; must be bounded in time.
 */
@FunctionalInterface
public interface ElectionStep {
  /** Empty when this node may acquire; otherwise why not (one line, for the log and the state). */
  Optional<String> refusal() throws InterruptedException;

  /** Always allows: asynchronous replication. */
  ElectionStep NONE = Optional::empty;
}

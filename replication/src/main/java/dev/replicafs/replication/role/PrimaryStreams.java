package dev.replicafs.replication.role;

import java.time.Duration;

/**
 * The primary side of the replication layer as the role machine drives it: serving streams while
 * this node is primary, and the two steps of a planned handoff. Implemented by the node API server
 * (the stream sender); tests use a fake.
 */
public interface PrimaryStreams {

  /** This node became primary: accept {@code POST /stream} and ship new transactions. */
  void startServing();

  /**
   * This node stopped being primary (fenced, demoted, handed off, closed): end every open stream
   * (the primary context is cancelled) and refuse new ones. Idempotent.
   */
  void stopServing();

  /** Whether node {@code nodeId} is a replica currently connected to this node's stream. */
  boolean isConnectedReplica(long nodeId);

  /**
   * Called with writes already refused: ships everything this node committed to {@code nodeId} and
   * returns once that replica acknowledged it applied up to the final position.
   *
   * @throws HandoffException with {@link HandoffException.Reason#FLUSH_FAILED} when the replica did
   *     not confirm within {@code timeout} or disconnected; the handoff is then aborted
   */
  void flushTo(long nodeId, Duration timeout) throws HandoffException, InterruptedException;

  /**
   * Sends the {@code HANDOFF} frame carrying {@code leaseToken} to {@code nodeId} and ends its
   * stream.
   *
   * @throws HandoffException with {@link HandoffException.Reason#SEND_FAILED} when it could not be
   *     delivered
   */
  void sendHandoff(long nodeId, String leaseToken) throws HandoffException;
}

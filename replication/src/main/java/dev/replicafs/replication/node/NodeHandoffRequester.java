package dev.replicafs.replication.node;

import dev.replicafs.lease.PrimaryInfo;
import dev.replicafs.replication.http.NodeApiException;
import dev.replicafs.replication.http.NodeClient;
import dev.replicafs.replication.http.NodeSecurity;
import dev.replicafs.replication.role.HandoffException;
import dev.replicafs.replication.role.HandoffException.Reason;
import dev.replicafs.replication.role.HandoffRequester;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * Asks the primary for the lease over HTTP: {@code POST <primary>/handoff?nodeID=<self>}. The
 * primary answers only once the handoff happened or failed, so the wait is bounded by the primary's
 * handoff timeout plus a margin. Any refusal becomes {@link Reason#REQUEST_FAILED} with the
 * primary's one-line message.
 */
final class NodeHandoffRequester implements HandoffRequester {
  private final long selfId;
  private final Duration timeout;
  private final NodeSecurity security;

  NodeHandoffRequester(long selfId, Duration handoffTimeout, NodeSecurity security) {
    this.selfId = selfId;
    this.security = security;
    this.timeout = handoffTimeout.plusSeconds(30);
  }

  @Override
  public void requestHandoff(PrimaryInfo primary, long nodeId)
      throws HandoffException, InterruptedException {
    NodeClient client = new NodeClient(URI.create(primary.advertiseUrl()), selfId, security);
    try {
      client.handoff(nodeId, timeout);
    } catch (NodeApiException e) {
      throw new HandoffException(
          Reason.REQUEST_FAILED, "primary " + primary.hostname() + " refused: " + e.getMessage());
    } catch (IOException e) {
      throw new HandoffException(
          Reason.REQUEST_FAILED,
          "primary " + primary.hostname() + " at " + primary.advertiseUrl() + " unreachable: " + e,
          e);
    }
  }
}

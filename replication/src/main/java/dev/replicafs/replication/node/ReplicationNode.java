package dev.replicafs.replication.node;

import dev.replicafs.lease.PrimaryInfo;
import dev.replicafs.replication.http.NodeClient;
import dev.replicafs.replication.http.NodeServer;
import dev.replicafs.replication.http.RoleView;
import dev.replicafs.replication.replica.ReplicaClient;
import dev.replicafs.replication.replica.ReplicaObserver;
import dev.replicafs.replication.replica.ReplicaOptions;
import dev.replicafs.replication.store.Store;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's replication: the {@link NodeServer} always, and a {@link ReplicaClient} while it is a
 * replica. The role is set from outside through two calls, the whole seam the lease state machine
 * (or a static configuration) drives:
 *
 * <pre>
 *   becomePrimary()            store.setPrimary(true); stop the replica client; event
 *   becomeReplica(primary)     store.setPrimary(false) (open streams end with END within one
 *                              heartbeat); stream from primary.advertiseUrl; event
 * </pre>
 *
 * Closing stops the client and the server; idempotent.
 */
public final class ReplicationNode implements RoleView, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReplicationNode.class);

  private final Store store;
  private final PrimaryInfo self;
  private final ReplicaOptions replicaOptions;
  private final Clock clock;
  private final long nodeId;
  private final NodeServer server;
  private volatile Optional<PrimaryInfo> primary = Optional.empty();
  private ReplicaClient client;
  private boolean closed;

  /**
   * Starts the node API server; the node has no role until one of the role calls.
   *
   * @param hostname {@code lease.hostname}: this node's name as others see it when it is primary
   * @param advertiseUrl {@code lease.advertise-url}; empty = the server's own loopback URL (tests)
   */
  public ReplicationNode(
      Store store,
      NodeServer.Options serverOptions,
      ReplicaOptions replicaOptions,
      String hostname,
      Optional<URI> advertiseUrl,
      Clock clock) {
    this.store = store;
    this.replicaOptions = replicaOptions;
    this.clock = clock;
    this.nodeId = serverOptions.nodeId();
    this.server = new NodeServer(serverOptions, store, this, clock);
    this.self = new PrimaryInfo(hostname, advertiseUrl.orElse(server.url()).toString());
  }

  /** This node's hostname and advertise URL. */
  public PrimaryInfo self() {
    return self;
  }

  /** This node takes writes and serves streams. */
  public synchronized void becomePrimary() {
    stopClient();
    store.haltRequester(null);
    store.setPrimary(true);
    primary = Optional.of(self);
    server.events().primaryChanged(true, self.hostname());
    log.info("node is primary: node={}", self.hostname());
  }

  /** This node follows {@code leader}. */
  public synchronized void becomeReplica(PrimaryInfo leader) {
    if (closed) {
      throw new IllegalStateException("node is closed");
    }
    stopClient();
    server.halts().releaseAll();
    store.setPrimary(false);
    store.haltRequester(
        new dev.replicafs.replication.http.HaltClient(
            URI.create(leader.advertiseUrl()), nodeId, store));
    primary = Optional.of(leader);
    client =
        new ReplicaClient(
            store,
            new NodeClient(URI.create(leader.advertiseUrl()), nodeId),
            replicaOptions,
            clock,
            ReplicaObserver.NONE);
    client.start();
    server.events().primaryChanged(false, leader.hostname());
    log.info("node is a replica: primary={}", leader.advertiseUrl());
  }

  /** The node API server. */
  public NodeServer server() {
    return server;
  }

  /** The replica client while this node is a replica. */
  public synchronized Optional<ReplicaClient> replica() {
    return Optional.ofNullable(client);
  }

  @Override
  public Optional<PrimaryInfo> primary() {
    return primary;
  }

  @Override
  public Duration lag() {
    ReplicaClient c;
    synchronized (this) {
      c = client;
    }
    return c == null ? Duration.ZERO : c.lag();
  }

  private void stopClient() {
    if (client != null) {
      client.close();
      client = null;
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopClient();
    server.close();
  }
}

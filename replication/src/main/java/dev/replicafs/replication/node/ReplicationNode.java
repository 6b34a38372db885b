package dev.replicafs.replication.node;

import dev.replicafs.lease.PrimaryInfo;
import dev.replicafs.replication.http.NodeClient;
import dev.replicafs.replication.http.NodeSecurity;
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
  private final boolean candidate;
  private final NodeSecurity security;
  private final NodeServer server;
  private volatile Optional<PrimaryInfo> primary = Optional.empty();
  private volatile RoleView roleSource;
  private ReplicaClient client;
  private dev.replicafs.replication.sync.SyncReplication sync;
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
    this.candidate = serverOptions.candidate();
    this.security = serverOptions.security();
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
    store.setPrimary(false);
    primary = Optional.of(leader);
    follow(leader, ReplicaObserver.NONE);
    server.events().primaryChanged(false, leader.hostname());
    log.info("node is a replica: primary={}", leader.advertiseUrl());
  }

  /**
   * Streams from {@code leader} with a fresh {@link ReplicaClient} reporting to {@code observer},
   * replacing any current one; leaves the store's write permission alone (the role machine owns
   * it). No-op once closed.
   */
  public synchronized void follow(PrimaryInfo leader, ReplicaObserver observer) {
    if (closed) {
      return;
    }
    stopClient();
    // halts this node granted as primary are void; its own halts now go to the new primary
    server.halts().releaseAll();
    // a transaction refused when this node stopped being primary left its journal behind
    store.rollBackAbandonedJournals();
    store.haltRequester(
        new dev.replicafs.replication.http.HaltClient(
            URI.create(leader.advertiseUrl()), nodeId, store, security));
    client =
        new ReplicaClient(
            store,
            new NodeClient(
                URI.create(leader.advertiseUrl()),
                nodeId,
                security,
                Optional.of(candidate),
                announcesItself() ? Optional.of(self.advertiseUrl()) : Optional.empty()),
            replicaOptions,
            clock,
            observer);
    client.start();
  }

  /**
   * Whether this replica sends its advertise URL on {@code POST /stream}, asking for PEERS frames:
   * only with synchronous replication on (docs/SYNC.md, "Election step"), so {@code sync: none}
   * changes nothing on the wire.
   */
  private boolean announcesItself() {
    return sync != null
        && sync.options().mode() != dev.replicafs.replication.sync.SyncOptions.Mode.NONE;
  }

  /** Stops streaming from the primary, if streaming; idempotent. */
  public synchronized void stopFollowing() {
    stopClient();
  }

  /**
   * Enables synchronous replication (docs/SYNC.md): {@code gate} must be the store's commit gate;
   * it is attached to this node's streams and metrics, and closed with this node.
   */
  public synchronized void sync(dev.replicafs.replication.sync.SyncReplication gate) {
    if (sync != null) {
      throw new IllegalStateException("synchronous replication is already enabled");
    }
    gate.attach(store, server.streams());
    gate.register(server.metricsRegistry());
    sync = gate;
  }

  /** The node API server. */
  public NodeServer server() {
    return server;
  }

  /** The replica client while this node is a replica. */
  public synchronized Optional<ReplicaClient> replica() {
    return Optional.ofNullable(client);
  }

  /**
   * Lets the role machine answer {@link #primary()} and {@link #isPrimary()} (for {@code /info},
   * {@code /events}, metrics) instead of this node's own static role.
   */
  public void roleSource(RoleView source) {
    this.roleSource = source;
  }

  @Override
  public Optional<PrimaryInfo> primary() {
    RoleView source = roleSource;
    return source == null ? primary : source.primary();
  }

  @Override
  public boolean isPrimary() {
    RoleView source = roleSource;
    return source == null ? store.isPrimary() : source.isPrimary();
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
    if (sync != null) {
      sync.close();
    }
    server.close();
  }
}

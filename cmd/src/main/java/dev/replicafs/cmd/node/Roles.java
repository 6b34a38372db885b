package dev.replicafs.cmd.node;

import dev.replicafs.cmd.config.LeaseConfig;
import dev.replicafs.lease.Leaser;
import dev.replicafs.lease.MonotonicClock;
import dev.replicafs.lease.PrimaryInfo;
import dev.replicafs.replication.http.NodeServer;
import dev.replicafs.replication.node.ClusterNode;
import dev.replicafs.replication.replica.ReplicaClient;
import dev.replicafs.replication.replica.ReplicaOptions;
import dev.replicafs.replication.role.RoleListener;
import dev.replicafs.replication.role.RoleOptions;
import dev.replicafs.replication.role.RoleState;
import dev.replicafs.replication.store.Store;
import dev.replicafs.replication.sync.SyncReplication;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single place the mount lifecycle reads this node's role from: a {@link ClusterNode} (node API
 * server, replica client and the lease-driven role machine) over the leaser that {@code lease.type}
 * names. Everything else (mount status, proxy view, exec, shutdown) only uses the methods here.
 * Closing closes the cluster node first (a primary refuses writes and releases its lease so another
 * candidate takes over at once), then the leaser.
 */
final class Roles implements RoleSource, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Roles.class);
  private static final Duration READY_SLICE = Duration.ofMillis(100);
  private static final Duration MIN_RECONNECT_DELAY = Duration.ofMillis(10);

  private final ClusterNode node;
  private final Leaser leaser;
  private final boolean candidate;
  private final Clock clock;
  private boolean closed;

  private Roles(ClusterNode node, Leaser leaser, boolean candidate, Clock clock) {
    this.node = node;
    this.leaser = leaser;
    this.candidate = candidate;
    this.clock = clock;
  }

  /**
   * Starts the node API on {@code server} and joins the cluster: the role machine acquires the
   * lease or follows the primary from now on. {@code sync}, when present, is the store's commit
   * gate (synchronous replication, docs/SYNC.md).
   *
   * @throws RuntimeException when the node API cannot listen (the leaser is closed again)
   */
  static Roles join(
      LeaseConfig config,
      Store store,
      NodeServer.Options server,
      ReplicaOptions replica,
      Optional<SyncReplication> sync) {
    Clock clock = MonotonicClock.system();
    Leaser leaser = Leasers.of(config, clock);
    ClusterNode node;
    try {
      node = new ClusterNode(store, leaser, server, replica, roleOptions(config, server), clock);
    } catch (RuntimeException e) {
      leaser.close();
      throw e;
    }
    Roles roles = new Roles(node, leaser, config.candidate(), clock);
    sync.ifPresent(node::sync);
    node.start();
    log.info(
        "joining cluster lease={} candidate={} node_api={}",
        config.type().configName(),
        config.candidate(),
        node.url());
    return roles;
  }

  private static RoleOptions roleOptions(LeaseConfig config, NodeServer.Options server) {
    Duration reconnect = config.reconnectDelay();
    if (reconnect.compareTo(MIN_RECONNECT_DELAY) < 0) {
      reconnect = MIN_RECONNECT_DELAY;
    }
    return RoleOptions.defaults(server.nodeId())
        .withReconnectDelay(reconnect)
        .withDemoteDelay(config.demoteDelay())
        .withPromote(config.promote());
  }

  /** {@code halt.ttl}: how long this node, as primary, honours a replica's idle halt. */
  void haltTtl(Duration ttl) {
    node.replication().server().halts().ttl(ttl);
  }

  /** Whether this node may become primary ({@code lease.candidate}). */
  boolean candidate() {
    return candidate;
  }

  /** Hears every later role transition (on the role machine's thread). */
  void addListener(RoleListener listener) {
    node.addListener(listener);
  }

  @Override
  public boolean isPrimary() {
    return node.isPrimary();
  }

  @Override
  public Optional<PrimaryInfo> knownPrimary() {
    return node.primary();
  }

  /** The primary's hostname while this replica is connected and caught up with it. */
  Optional<String> connectedPrimary() {
    if (node.state() instanceof RoleState.Replica r && replicaReady()) {
      return Optional.of(r.primary().hostname());
    }
    return Optional.empty();
  }

  private boolean replicaReady() {
    return node.replication().replica().map(ReplicaClient::isReady).orElse(false);
  }

  @Override
  public Optional<Duration> lag() {
    if (node.isPrimary()) {
      return Optional.of(Duration.ZERO);
    }
    return replicaReady() ? Optional.of(node.lag()) : Optional.empty();
  }

  /** When the primary was last heard from. */
  Instant lastContact() {
    return clock.instant().minus(lag().orElse(Duration.ZERO));
  }

  /**
   * Waits until this node is primary or caught up with the primary, or {@code stop} says to stop.
   *
   * @return true when ready
   */
  boolean awaitReady(StopSignal stop) throws InterruptedException {
    Instant nextLog = clock.instant().plusSeconds(5);
    while (!node.awaitReady(READY_SLICE)) {
      if (stop.isStopped()) {
        return false;
      }
      if (clock.instant().isAfter(nextLog)) {
        log.info(
            "waiting to become primary or catch up with the primary state={} primary={} error={}",
            node.state().getClass().getSimpleName(),
            node.primary().map(PrimaryInfo::advertiseUrl).orElse("unknown"),
            node.replication().replica().flatMap(ReplicaClient::lastError).orElse("none"));
        nextLog = clock.instant().plusSeconds(5);
      }
    }
    return true;
  }

  /** Gives up the role (the lease is released at once if held), then closes the leaser. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      node.close();
    } finally {
      leaser.close();
    }
  }
}

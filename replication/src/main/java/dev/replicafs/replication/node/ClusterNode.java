package dev.replicafs.replication.node;

import dev.replicafs.lease.Leaser;
import dev.replicafs.lease.PrimaryInfo;
import dev.replicafs.replication.http.NodeServer;
import dev.replicafs.replication.replica.ReplicaClient;
import dev.replicafs.replication.replica.ReplicaOptions;
import dev.replicafs.replication.role.RoleListener;
import dev.replicafs.replication.role.RoleMachine;
import dev.replicafs.replication.role.RoleOptions;
import dev.replicafs.replication.role.RolePorts;
import dev.replicafs.replication.role.RoleState;
import dev.replicafs.replication.store.Store;
import dev.replicafs.replication.sync.PeerElection;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One cluster node's replication and role, wired together: the facade the composition root ({@code
 * cmd}) builds once per process. It owns a {@link ReplicationNode} (node API server, replica
 * client) and a {@link RoleMachine} driving it through the real ports: the server's {@link
 * dev.replicafs.replication.primary.StreamHub} (serve, flush, HANDOFF frame), the replica client
 * (follow; READY and HANDOFF reported back), and {@code POST <primary>/handoff} for promotion.
 * {@code /info}, {@code /events}, {@code /metrics}, {@code POST /handoff} and {@code POST /promote}
 * answer from the role machine. With synchronous replication ({@link #sync}) the role machine asks
 * the {@link PeerElection} step before it acquires a free lease.
 *
 * <p>Life cycle: construct (the server listens at once, refusing streams: not primary yet), {@link
 * #start()}, then {@link #close()}: the role machine first (a primary refuses writes, ends its
 * streams and releases its lease so another node takes over at once; a replica stops following),
 * then the server. The store and the leaser belong to the caller, who closes them afterwards.
 */
public final class ClusterNode implements AutoCloseable {
  private final ReplicationNode replication;
  private final RoleMachine machine;
  private final PeerElection election;
  private final Object readiness = new Object();
  private boolean closed;

  /**
   * @param store an opened store (not closed by this node)
   * @param leaser the lease backend (not closed by this node); its hostname and advertise URL are
   *     this node's identity as a primary
   * @param serverOptions the node API's address; its node ID must be {@code roleOptions.nodeId()},
   *     its candidate flag is taken from the leaser
   * @param clock a monotonic clock ({@link dev.replicafs.lease.MonotonicClock#system()})
   */
  public ClusterNode(
      Store store,
      Leaser leaser,
      NodeServer.Options serverOptions,
      ReplicaOptions replicaOptions,
      RoleOptions roleOptions,
      Clock clock) {
    if (serverOptions.nodeId() != roleOptions.nodeId()) {
      throw new IllegalArgumentException("the server's and the role machine's node IDs differ");
    }
    NodeServer.Options options =
        new NodeServer.Options(
            serverOptions.host(),
            serverOptions.port(),
            serverOptions.nodeId(),
            leaser.candidate(),
            serverOptions.heartbeat(),
            serverOptions.security());
    this.replication =
        new ReplicationNode(
            store,
            options,
            replicaOptions,
            leaser.hostname(),
            Optional.of(URI.create(leaser.advertiseUrl())),
            clock);
    this.election = new PeerElection(roleOptions.nodeId(), store, serverOptions.security());
    ReplicaFollower follower = new ReplicaFollower(replication, this::signal, election::announced);
    RolePorts ports =
        new RolePorts(
            replication.server().streams(),
            follower,
            new NodeHandoffRequester(
                roleOptions.nodeId(), roleOptions.handoffTimeout(), serverOptions.security()),
            election);
    try {
      this.machine = new RoleMachine(leaser, store, roleOptions, ports, clock);
    } catch (RuntimeException e) {
      replication.close();
      throw e;
    }
    follower.reportTo(machine);
    MachineView view = new MachineView(machine, replication::lag);
    replication.roleSource(view);
    replication.server().roleControl(view);
    machine.addListener(this::announce);
  }

  /**
   * Enables synchronous replication before {@link #start()}; {@code gate} must be the store's
   * commit gate (docs/SYNC.md).
   */
  public void sync(dev.replicafs.replication.sync.SyncReplication gate) {
    replication.sync(gate);
    election.mode(gate.options().mode());
  }

  /** The election step asked before this node acquires a free lease (docs/SYNC.md). */
  public PeerElection election() {
    return election;
  }

  /** Starts the role machine: it joins the cluster (acquires the lease or follows the primary). */
  public void start() {
    machine.start();
  }

  /** The current role. */
  public RoleState state() {
    return machine.state();
  }

  /** Whether this node is the primary (holds the lease and accepts writes). */
  public boolean isPrimary() {
    return machine.state() instanceof RoleState.Primary;
  }

  /** The primary as this node knows it (itself when primary). */
  public Optional<PrimaryInfo> primary() {
    return machine.primary();
  }

  /** This replica's lag; zero on the primary. */
  public Duration lag() {
    return replication.lag();
  }

  /** Adds a listener for every later role transition (on the role machine's thread). */
  public void addListener(RoleListener listener) {
    machine.addListener(listener);
  }

  /**
   * Waits until this node is primary, or a replica whose stream finished its initial catch-up
   * (LiteFS: wait until primary or caught up before starting the application).
   *
   * @return whether it got there within {@code timeout}
   */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (readiness) {
      while (!ready()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        // role and stream changes signal; the slice bounds a missed edge
        readiness.wait(Math.max(1, Math.min(left / 1_000_000, 100)));
      }
      return true;
    }
  }

  private boolean ready() {
    RoleState s = machine.state();
    if (s instanceof RoleState.Primary) {
      return true;
    }
    return s instanceof RoleState.Replica
        && replication.replica().map(ReplicaClient::isReady).orElse(false);
  }

  /** {@code POST /promote}: completes when this node is primary. */
  public CompletableFuture<Void> promote() {
    return machine.promote();
  }

  /** {@code POST /handoff?nodeID=}: hands the lease to connected replica {@code nodeId}. */
  public CompletableFuture<Void> handoff(long nodeId) {
    return machine.handoff(nodeId);
  }

  /** Releases the lease if primary and stays out of the election for {@code demote-delay}. */
  public CompletableFuture<Void> demote() {
    return machine.demote();
  }

  /** The node API's URL on this host (its bound port). */
  public URI url() {
    return replication.server().url();
  }

  /** This node's replication (server, replica client), for metrics and tests. */
  public ReplicationNode replication() {
    return replication;
  }

  private void announce(RoleState previous, RoleState current) {
    if (current instanceof RoleState.Primary p) {
      replication.server().events().primaryChanged(true, p.self().hostname());
    } else if (current instanceof RoleState.Replica r) {
      replication.server().events().primaryChanged(false, r.primary().hostname());
    }
    signal();
  }

  private void signal() {
    synchronized (readiness) {
      readiness.notifyAll();
    }
  }

  /** Closes the role machine (lease released at once), then the server; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      machine.close();
    } finally {
      replication.close();
    }
  }
}

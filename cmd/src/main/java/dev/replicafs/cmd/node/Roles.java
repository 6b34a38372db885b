package dev.replicafs.cmd.node;

import dev.replicafs.cmd.CliException;
import dev.replicafs.cmd.config.LeaseConfig;
import dev.replicafs.cmd.config.LeaseType;
import dev.replicafs.lease.Lease;
import dev.replicafs.lease.LeaseException;
import dev.replicafs.lease.PrimaryInfo;
import dev.replicafs.lease.StaticLeaser;
import dev.replicafs.replication.node.ReplicationNode;
import dev.replicafs.replication.replica.ReplicaClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single place that decides this node's role: everything else in the mount lifecycle (mount
 * status, proxy view, exec, shutdown) only reads it through the methods here.
 *
 * <p>Today it drives {@link ReplicationNode#becomePrimary()} / {@link
 * ReplicationNode#becomeReplica} for the static lease only: a candidate holds the static lease and
 * is primary; any other node is a replica of {@code lease.advertise-url}. Consul and etcd fail at
 * startup with a clear "not wired yet" message; the role-machine facade of {@code
 * dev.replicafs.replication.node} replaces this class for them.
 */
final class Roles implements RoleSource, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Roles.class);
  private static final Duration READY_POLL = Duration.ofMillis(20);

  private final ReplicationNode node;
  private final StaticLeaser leaser;
  private final PrimaryInfo primary;
  private final boolean candidate;
  private final Clock clock;
  private Lease lease;
  private boolean closed;

  private Roles(
      ReplicationNode node, StaticLeaser leaser, PrimaryInfo primary, boolean candidate, Clock c) {
    this.node = node;
    this.leaser = leaser;
    this.primary = primary;
    this.candidate = candidate;
    this.clock = c;
  }

  /** Checks that the lease type can be driven by this build, before anything is opened. */
  static void checkSupported(LeaseConfig lease) {
    if (lease.type() != LeaseType.STATIC) {
      throw new CliException(
          "lease.type "
              + lease.type().configName()
              + " is not wired into replicafs mount yet (only static is): use lease.type: static"
              + " or a build with the role machine");
    }
  }

  /** The static primary as configured ({@code lease.hostname}, {@code lease.advertise-url}). */
  static PrimaryInfo staticPrimary(LeaseConfig lease) {
    String host = lease.hostname();
    if (host.isBlank()) {
      host = Optional.ofNullable(URI.create(lease.advertiseUrl()).getHost()).orElse("primary");
    }
    return new PrimaryInfo(host, lease.advertiseUrl());
  }

  /** Takes the lease (candidate) or joins the configured primary (replica). */
  static Roles join(LeaseConfig config, ReplicationNode node, Clock clock) {
    checkSupported(config);
    PrimaryInfo primary = staticPrimary(config);
    StaticLeaser leaser = new StaticLeaser(primary, config.candidate(), clock);
    Roles roles = new Roles(node, leaser, primary, config.candidate(), clock);
    try {
      if (config.candidate()) {
        roles.lease = leaser.acquire();
        node.becomePrimary();
      } else {
        node.becomeReplica(leaser.primaryInfo());
      }
    } catch (LeaseException e) {
      leaser.close();
      throw new CliException("cannot join the cluster: " + e.getMessage(), e);
    }
    return roles;
  }

  /** Whether this node may become primary ({@code lease.candidate}). */
  boolean candidate() {
    return candidate;
  }

  @Override
  public boolean isPrimary() {
    return node.replica().isEmpty() && lease != null;
  }

  @Override
  public Optional<PrimaryInfo> knownPrimary() {
    return Optional.of(isPrimary() ? node.self() : primary);
  }

  /** The primary's hostname while this replica is connected and caught up with it. */
  Optional<String> connectedPrimary() {
    return node.replica().filter(ReplicaClient::isReady).map(c -> primary.hostname());
  }

  @Override
  public Optional<Duration> lag() {
    Optional<ReplicaClient> client = node.replica();
    if (client.isEmpty()) {
      return Optional.of(Duration.ZERO);
    }
    return client.get().isReady() ? Optional.of(client.get().lag()) : Optional.empty();
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
    while (!isPrimary() && connectedPrimary().isEmpty()) {
      if (stop.await(READY_POLL)) {
        return false;
      }
      if (clock.instant().isAfter(nextLog)) {
        log.info(
            "waiting to catch up with the primary primary={} error={}",
            primary.advertiseUrl(),
            node.replica().flatMap(ReplicaClient::lastError).orElse("none"));
        nextLog = clock.instant().plusSeconds(5);
      }
    }
    return true;
  }

  /** Gives up the role: releases the lease if held. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (lease != null) {
      log.info("releasing lease type=static");
      lease.close();
    }
    leaser.close();
  }
}

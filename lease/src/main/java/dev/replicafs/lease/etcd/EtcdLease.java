package dev.replicafs.lease.etcd;

import dev.replicafs.lease.Lease;
import dev.replicafs.lease.LeaseException;
import dev.replicafs.lease.LeaseExpiredException;
import dev.replicafs.lease.LeaseState;
import dev.replicafs.lease.LeaseUnavailableException;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A held etcd lease: the lease key is attached to it, so revoking or expiring the lease deletes the
 * key. Renewal sends one keepalive ({@code LeaseKeepAlive}, via jetcd's {@code keepAliveOnce}) and
 * records the instant the request was sent, which is what makes {@link #validUntil()} a safe lower
 * bound of etcd's own expiry; the periodic loop is the caller's {@code LeaseMonitor}.
 */
final class EtcdLease implements Lease {

  private static final Logger LOG = LoggerFactory.getLogger(EtcdLease.class);

  private final io.etcd.jetcd.Lease client;
  private final EtcdRequests requests;
  private final long leaseId;
  private final String key;
  private final LeaseState state;
  private boolean detached;
  private boolean closed;

  EtcdLease(
      io.etcd.jetcd.Lease client,
      EtcdRequests requests,
      long leaseId,
      String key,
      LeaseState state) {
    this.client = client;
    this.requests = requests;
    this.leaseId = leaseId;
    this.key = key;
    this.state = state;
  }

  /** Formats an etcd lease ID as etcdctl prints it (hex). */
  static String format(long leaseId) {
    return Long.toHexString(leaseId);
  }

  @Override
  public String id() {
    return format(leaseId);
  }

  @Override
  public Instant renewedAt() {
    return state.renewedAt();
  }

  @Override
  public Duration ttl() {
    return state.ttl();
  }

  @Override
  public Instant validUntil() {
    return state.validUntil();
  }

  /**
   * A third of the TTL: at the short TTLs etcd allows (2 s gives 1.8 s to the fence), a renewal
   * that times out after TTL/4 and its retries still leave another attempt before the fence.
   */
  @Override
  public Duration renewInterval() {
    return state.ttl().dividedBy(3);
  }

  @Override
  public void renew() throws LeaseException {
    if (state.ended()) {
      throw new LeaseExpiredException(
          "etcd lease " + id() + " on key " + key + " is no longer held");
    }
    Instant sentAt = state.clock().instant();
    Duration ttl;
    try {
      ttl = keepAlive(client, requests, leaseId, renewTimeout());
    } catch (LeaseExpiredException e) {
      state.end(); // etcd says it is gone: invalid now, not only at the deadline
      throw e;
    }
    state.renewed(sentAt, ttl);
  }

  /** Sends one keepalive; returns the TTL etcd granted. */
  static Duration keepAlive(
      io.etcd.jetcd.Lease client, EtcdRequests requests, long leaseId, Duration limit)
      throws LeaseException {
    return awaitKeepAlive(client.keepAliveOnce(leaseId), requests, leaseId, limit);
  }

  /** Waits for a keepalive already sent; returns the TTL etcd granted. */
  static Duration awaitKeepAlive(
      CompletableFuture<LeaseKeepAliveResponse> sent,
      EtcdRequests requests,
      long leaseId,
      Duration limit)
      throws LeaseException {
    LeaseKeepAliveResponse response;
    try {
      response = requests.await(sent, "keepalive of lease " + format(leaseId), limit);
    } catch (LeaseUnavailableException e) {
      if (EtcdRequests.leaseNotFound(e)) {
        throw new LeaseExpiredException("etcd lease " + format(leaseId) + " has expired", e);
      }
      throw e;
    }
    if (response.getTTL() <= 0) {
      throw new LeaseExpiredException("etcd lease " + format(leaseId) + " has expired");
    }
    return Duration.ofSeconds(response.getTTL());
  }

  private Duration renewTimeout() {
    Duration quarter = state.ttl().dividedBy(4);
    return quarter.compareTo(requests.timeout()) < 0 ? quarter : requests.timeout();
  }

  @Override
  public void handoff(long nodeId) {
    state.requestHandoff(nodeId);
  }

  @Override
  public CompletableFuture<Long> handoffRequest() {
    return state.handoffRequest();
  }

  @Override
  public synchronized String detach(Duration maxAge) throws LeaseException {
    if (!renewedWithin(maxAge, state.clock().instant())) {
      renew();
    }
    detached = true;
    state.end();
    LOG.info("detached etcd lease for handoff: key={} lease={}", key, id());
    return id();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    state.end();
    if (detached) {
      return;
    }
    try {
      requests.await(client.revoke(leaseId), "revoke of lease " + id());
      LOG.info("released etcd lease: key={} lease={}", key, id());
    } catch (LeaseUnavailableException e) {
      if (!EtcdRequests.leaseNotFound(e)) {
        LOG.warn(
            "could not revoke etcd lease, the key frees itself after the ttl: key={} lease={} error={}",
            key,
            id(),
            e.getMessage());
      }
    }
  }
}

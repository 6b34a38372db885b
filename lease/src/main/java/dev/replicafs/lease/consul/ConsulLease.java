package dev.replicafs.lease.consul;

import dev.replicafs.lease.Lease;
import dev.replicafs.lease.LeaseException;
import dev.replicafs.lease.LeaseExpiredException;
import dev.replicafs.lease.LeaseState;
import dev.replicafs.lease.LeaseUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.kiwiproject.consul.Consul;
import org.kiwiproject.consul.ConsulException;
import org.kiwiproject.consul.model.session.SessionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A held Consul lease: a session that locks the lease key. Consul invalidates a session no sooner
 * than its TTL after the last renewal (and may take up to twice the TTL), then deletes the key
 * ({@code Behavior=delete}) and blocks re-acquisition for the lock-delay; {@link #validUntil()}
 * uses the lower bound. The periodic renewal is the caller's {@code LeaseMonitor}, as for etcd.
 */
final class ConsulLease implements Lease {

  private static final Logger LOG = LoggerFactory.getLogger(ConsulLease.class);

  private final Consul consul;
  private final String key;
  private final String session;
  private final LeaseState state;
  private boolean detached;
  private boolean closed;

  ConsulLease(Consul consul, String key, String session, LeaseState state) {
    this.consul = consul;
    this.key = key;
    this.session = session;
    this.state = state;
  }

  @Override
  public String id() {
    return session;
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

  @Override
  public void renew() throws LeaseException {
    if (state.ended()) {
      throw new LeaseExpiredException("consul session " + session + " is no longer held");
    }
    Instant sentAt = state.clock().instant();
    try {
      renewSession(consul, session);
    } catch (LeaseExpiredException e) {
      state.end(); // Consul says it is gone: invalid now, not only at the deadline
      throw e;
    }
    state.renewed(sentAt, state.ttl());
  }

  /** Renews a session; a session Consul no longer knows is an expired lease. */
  static void renewSession(Consul consul, String session) throws LeaseException {
    Optional<SessionInfo> renewed;
    try {
      renewed = consul.sessionClient().renewSession(session);
    } catch (ConsulException e) {
      if (e.hasCode() && e.getCode() == 404) {
        throw new LeaseExpiredException("consul session " + session + " has expired", e);
      }
      throw new LeaseUnavailableException(
          "consul renewal of session " + session + " failed: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new LeaseUnavailableException(
          "consul renewal of session " + session + " failed: " + e.getMessage(), e);
    }
    if (renewed.isEmpty()) {
      throw new LeaseExpiredException("consul session " + session + " has expired");
    }
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
    LOG.info("detached consul session for handoff: key={} session={}", key, session);
    return session;
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
      consul.keyValueClient().releaseLock(key, session);
      consul.sessionClient().destroySession(session);
      LOG.info("released consul lease: key={} session={}", key, session);
    } catch (RuntimeException e) {
      LOG.warn(
          "could not release consul lease, the key frees itself after the ttl: key={} session={} error={}",
          key,
          session,
          e.getMessage());
    }
  }

  /** Runs one Consul request, translating its failure once into a lease exception. */
  static <T> T call(String address, String operation, ConsulLeaser.ConsulCall<T> request)
      throws LeaseUnavailableException {
    try {
      return request.run();
    } catch (RuntimeException e) {
      throw new LeaseUnavailableException(
          "consul " + operation + " failed (" + address + "): " + e.getMessage(), e);
    }
  }
}

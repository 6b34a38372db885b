package dev.replicafs.lease.consul;

import dev.replicafs.lease.ClusterId;
import dev.replicafs.lease.ClusterIdMismatchException;
import dev.replicafs.lease.Lease;
import dev.replicafs.lease.LeaseException;
import dev.replicafs.lease.LeaseState;
import dev.replicafs.lease.LeaseUnavailableException;
import dev.replicafs.lease.Leaser;
import dev.replicafs.lease.NoPrimaryException;
import dev.replicafs.lease.NotCandidateException;
import dev.replicafs.lease.PrimaryExistsException;
import dev.replicafs.lease.PrimaryInfo;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.kiwiproject.consul.Consul;
import org.kiwiproject.consul.ConsulException;
import org.kiwiproject.consul.KeyValueClient;
import org.kiwiproject.consul.model.ConsulResponse;
import org.kiwiproject.consul.model.catalog.ImmutableCatalogRegistration;
import org.kiwiproject.consul.model.kv.Value;
import org.kiwiproject.consul.model.session.ImmutableSession;
import org.kiwiproject.consul.option.ImmutablePutOptions;
import org.kiwiproject.consul.option.QueryOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code consul} lease (LiteFS {@code consul.Leaser}), through the kiwiproject Consul client
 * and Consul's HTTP API.
 *
 * <p>Keys ({@code P} = URL path prefix, {@code K} = {@code lease.consul.key}): {@code P/K} holds
 * {@link PrimaryInfo} JSON and is locked by the primary's session; {@code P/K/clusterid} holds the
 * cluster ID, written once with a check-and-set of index 0.
 *
 * <p>Acquire: create a session ({@code Name=litefs, Behavior=delete, TTL, LockDelay}, no health
 * checks; on the catalog node {@code P/litefs}, registered at first use, when a prefix is set, as
 * LiteFS does for Fly's shared Consul), then {@code PUT P/K?acquire=<session>} with the JSON. Not
 * acquired: the session is destroyed and the holder reported. Renew: {@code PUT
 * /v1/session/renew/<id>}. Release: {@code PUT P/K?release=<id>} (empties the value) and destroy
 * the session, so another node can acquire at once (after lock-delay). Handoff: the session ID is
 * the lease ID; the target renews it and re-acquires {@code P/K} under it with its own JSON.
 *
 * <p>A key is held only while it has a session and a non-empty value; anything else reads as "no
 * primary". Waiting uses blocking queries on {@code P/K} (recursive, which also returns an index
 * when the key is absent).
 */
public final class ConsulLeaser implements Leaser {

  private static final Logger LOG = LoggerFactory.getLogger(ConsulLeaser.class);
  static final String SESSION_NAME = "litefs";
  private static final Duration MAX_BLOCK = Duration.ofSeconds(5);

  private final ConsulConfig config;
  private final ConsulUrl url;
  private final PrimaryInfo self;
  private final boolean candidate;
  private final Clock clock;
  private final Consul consul;
  private final String key;
  private final String clusterIdKey;
  private final AtomicBoolean nodeRegistered = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * @param self this node's hostname and advertise URL, written under the key when primary
   * @param candidate whether this node may take the lease ({@code lease.candidate})
   * @param clock a monotonic clock ({@link dev.replicafs.lease.MonotonicClock}) for lease deadlines
   */
  public ConsulLeaser(ConsulConfig config, PrimaryInfo self, boolean candidate, Clock clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.url = config.parsedUrl();
    this.self = Objects.requireNonNull(self, "self");
    this.candidate = candidate;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.key = config.fullKey();
    this.clusterIdKey = key + "/clusterid";
    Consul.Builder builder =
        Consul.builder()
            .withUrl(url.address())
            .withPing(false)
            .withConnectTimeoutMillis(5_000)
            .withReadTimeoutMillis(MAX_BLOCK.toMillis() + 10_000)
            .withWriteTimeoutMillis(5_000);
    url.token().ifPresent(token -> builder.withHeaders(Map.of("X-Consul-Token", token)));
    this.consul = builder.build();
  }

  @Override
  public String type() {
    return "consul";
  }

  @Override
  public String hostname() {
    return self.hostname();
  }

  @Override
  public String advertiseUrl() {
    return self.advertiseUrl();
  }

  @Override
  public boolean candidate() {
    return candidate;
  }

  @Override
  public String describe() {
    return "consul key \"" + key + "\"";
  }

  @Override
  public String describeClusterId() {
    return "consul key \"" + clusterIdKey + "\"";
  }

  @Override
  public Lease acquire() throws LeaseException {
    if (!candidate) {
      throw new NotCandidateException(self.hostname());
    }
    Instant sentAt = clock.instant();
    String session = call("session create", this::createSession);
    boolean acquired;
    try {
      acquired = call("acquire of " + describe(), () -> kv().acquireLock(key, json(), session));
    } catch (LeaseException e) {
      destroyQuietly(session);
      throw e;
    }
    if (!acquired) {
      destroyQuietly(session);
      throw new PrimaryExistsException(held(readKey()).orElse(null));
    }
    LOG.info("acquired consul lease: key={} session={} ttl={}", key, session, config.ttl());
    return newLease(session, sentAt);
  }

  @Override
  public Lease acquireExisting(String leaseId) throws LeaseException {
    if (!candidate) {
      throw new NotCandidateException(self.hostname());
    }
    Instant sentAt = clock.instant();
    ConsulLease.renewSession(consul, leaseId);
    boolean acquired =
        call("takeover of " + describe(), () -> kv().acquireLock(key, json(), leaseId));
    if (!acquired) {
      throw new PrimaryExistsException(held(readKey()).orElse(null));
    }
    LOG.info("took over consul lease: key={} session={}", key, leaseId);
    return newLease(leaseId, sentAt);
  }

  @Override
  public PrimaryInfo primaryInfo() throws LeaseException {
    return held(readKey()).orElseThrow(() -> new NoPrimaryException(describe()));
  }

  @Override
  public Optional<PrimaryInfo> awaitPrimaryChange(Optional<PrimaryInfo> seen, Duration timeout)
      throws LeaseException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    BigInteger index = BigInteger.ZERO;
    while (true) {
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      Duration left = Duration.ofNanos(deadline - System.nanoTime());
      int seconds = (int) Math.max(1, Math.min(MAX_BLOCK.toSeconds(), left.toSeconds()));
      BigInteger since = index;
      ConsulResponse<List<Value>> response =
          call(
              "watch of " + describe(),
              () ->
                  kv().getConsulResponseWithValues(
                          key, QueryOptions.blockSeconds(seconds, since).build()));
      Optional<PrimaryInfo> current = held(exact(response.getResponse()));
      if (!current.equals(seen) || deadline - System.nanoTime() <= 0) {
        return current;
      }
      index = response.getIndex() == null ? BigInteger.ZERO : response.getIndex();
      if (index.compareTo(since) < 0) {
        index = BigInteger.ZERO; // Consul's index went backwards: start over, as its docs advise
      }
    }
  }

  @Override
  public Optional<ClusterId> clusterId() throws LeaseException {
    Optional<String> value =
        call("read of " + describeClusterId(), () -> kv().getValueAsString(clusterIdKey))
            .filter(v -> !v.isEmpty());
    if (value.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new ClusterId(value.get()));
    } catch (IllegalArgumentException e) {
      throw new LeaseUnavailableException(
          describeClusterId() + " holds \"" + value.get() + "\", which is not a cluster ID", e);
    }
  }

  @Override
  public void setClusterId(ClusterId id) throws LeaseException {
    boolean stored =
        call(
            "write of " + describeClusterId(),
            () ->
                kv().putValue(
                        clusterIdKey,
                        id.value(),
                        0L,
                        ImmutablePutOptions.builder().cas(0L).build()));
    if (stored) {
      LOG.info("stored cluster id: key={} cluster_id={}", clusterIdKey, id);
      return;
    }
    Optional<ClusterId> existing = clusterId();
    if (existing.isPresent() && !existing.get().equals(id)) {
      throw new ClusterIdMismatchException(id, existing.get(), describeClusterId());
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      consul.destroy();
    }
  }

  private String createSession() {
    ImmutableSession.Builder session =
        ImmutableSession.builder()
            .name(SESSION_NAME)
            .behavior("delete")
            .lockDelay(config.lockDelay().toMillis() + "ms")
            .ttl(config.ttl().toSeconds() + "s");
    if (!url.prefix().isEmpty()) {
      String node = url.prefix() + "/litefs";
      if (nodeRegistered.compareAndSet(false, true)) {
        consul
            .catalogClient()
            .register(
                ImmutableCatalogRegistration.builder().node(node).address("localhost").build());
      }
      session.node(node);
    }
    return consul.sessionClient().createSession(session.build()).getId();
  }

  private ConsulLease newLease(String session, Instant sentAt) {
    return new ConsulLease(consul, key, session, new LeaseState(clock, sentAt, config.ttl()));
  }

  private Optional<Value> readKey() throws LeaseUnavailableException {
    return call("read of " + describe(), () -> kv().getValue(key));
  }

  private Optional<Value> exact(List<Value> values) {
    return values == null
        ? Optional.empty()
        : values.stream().filter(v -> key.equals(v.getKey())).findFirst();
  }

  /** The primary a KV entry names, if a session holds it and its value is primary info. */
  private Optional<PrimaryInfo> held(Optional<Value> value) {
    return value
        .filter(v -> v.getSession().isPresent())
        .flatMap(Value::getValueAsBytes)
        .filter(bytes -> bytes.length > 0)
        .flatMap(
            bytes -> {
              try {
                return Optional.of(PrimaryInfo.fromJson(bytes));
              } catch (IllegalArgumentException e) {
                LOG.warn(
                    "ignoring unreadable primary key value: key={} error={}", key, e.getMessage());
                return Optional.empty();
              }
            });
  }

  private String json() {
    return new String(self.toJson(), java.nio.charset.StandardCharsets.UTF_8);
  }

  private KeyValueClient kv() {
    if (closed.get()) {
      throw new IllegalStateException("consul leaser is closed");
    }
    return consul.keyValueClient();
  }

  private void destroyQuietly(String session) {
    try {
      consul.sessionClient().destroySession(session);
    } catch (ConsulException e) {
      LOG.debug(
          "unused consul session not destroyed, it expires by itself: error={}", e.getMessage());
    }
  }

  /** Runs one Consul request, translating its failure once. */
  <T> T call(String operation, ConsulCall<T> request) throws LeaseUnavailableException {
    return ConsulLease.call(url.address(), operation, request);
  }

  /** A Consul request through the client, which reports failures as unchecked exceptions. */
  @FunctionalInterface
  interface ConsulCall<T> {
    T run();
  }
}

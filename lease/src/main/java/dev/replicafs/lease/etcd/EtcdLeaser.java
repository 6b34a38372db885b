package dev.replicafs.lease.etcd;

import dev.replicafs.lease.ClusterId;
import dev.replicafs.lease.ClusterIdMismatchException;
import dev.replicafs.lease.Lease;
import dev.replicafs.lease.LeaseException;
import dev.replicafs.lease.LeaseExpiredException;
import dev.replicafs.lease.LeaseState;
import dev.replicafs.lease.LeaseUnavailableException;
import dev.replicafs.lease.Leaser;
import dev.replicafs.lease.NoPrimaryException;
import dev.replicafs.lease.NotCandidateException;
import dev.replicafs.lease.PrimaryExistsException;
import dev.replicafs.lease.PrimaryInfo;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseGrantResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code etcd} lease, through the official jetcd client.
 *
 * <p>Keys and values (for {@code lease.etcd.key: K}):
 *
 * <ul>
 *   <li>{@code K} = {@link PrimaryInfo} JSON, attached to the primary's etcd lease, so it vanishes
 *       when the lease is revoked (clean shutdown) or expires (crash, partition).
 *   <li>{@code K/clusterid} = the cluster ID, not attached to any lease, written once.
 * </ul>
 *
 * <p>Acquire: grant a lease with the configured TTL, then one transaction {@code if
 * create_revision(K) == 0 then put(K, info, lease) else get(K)}; on failure the fresh lease is
 * revoked and the holder is reported in {@link PrimaryExistsException}. Release: revoke (deletes
 * {@code K} at once). Waiting candidates follow {@code K} with a watch ({@link
 * #awaitPrimaryChange}).
 *
 * <p>Handoff: etcd leases are not bound to a connection, any client that knows the ID can keep one
 * alive. The old primary renews once more and {@linkplain Lease#detach() detaches} (stops renewing
 * without revoking), and sends the lease ID to the target; the target's {@link #acquireExisting}
 * sends a keepalive on that lease (proving it is still alive and extending it by a full TTL) and,
 * in the same round trip, reads {@code K}; then it rewrites {@code K} with its own info under the
 * same lease in a transaction guarded by {@code mod_revision(K)} from a read that showed {@code K}
 * attached to that lease. The key never disappears, so no third node can win it in between; if the
 * target never arrives, the lease simply expires after its TTL.
 *
 * <p>Threads: jetcd callbacks run on a named pool ({@code replicafs-etcd-N}) that {@link #close()}
 * shuts down together with the client's channel.
 */
public final class EtcdLeaser implements Leaser {

  private static final Logger LOG = LoggerFactory.getLogger(EtcdLeaser.class);

  private final EtcdConfig config;
  private final PrimaryInfo self;
  private final boolean candidate;
  private final Clock clock;
  private final ExecutorService executor;
  private final Client client;
  private final EtcdRequests requests;
  private final EtcdPrimaryWatch watch;
  private final ByteSequence key;
  private final ByteSequence clusterIdKey;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Creates the client; it connects lazily, on the first request.
   *
   * @param self this node's hostname and advertise URL, written under the key when primary
   * @param candidate whether this node may take the lease ({@code lease.candidate})
   * @param clock a monotonic clock ({@link dev.replicafs.lease.MonotonicClock}) for lease deadlines
   */
  public EtcdLeaser(EtcdConfig config, PrimaryInfo self, boolean candidate, Clock clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.self = Objects.requireNonNull(self, "self");
    this.candidate = candidate;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.executor = Executors.newCachedThreadPool(threads());
    this.client = EtcdClients.build(config, executor);
    this.requests = new EtcdRequests(String.join(",", config.endpoints()), config.timeout());
    this.key = bytes(config.key());
    this.clusterIdKey = bytes(config.clusterIdKey());
    this.watch = new EtcdPrimaryWatch(client, requests, key);
  }

  @Override
  public String type() {
    return "etcd";
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
    return "etcd key \"" + config.key() + "\"";
  }

  @Override
  public String describeClusterId() {
    return "etcd key \"" + config.clusterIdKey() + "\"";
  }

  @Override
  public Lease acquire() throws LeaseException {
    if (!candidate) {
      throw new NotCandidateException(self.hostname());
    }
    Instant sentAt = clock.instant();
    LeaseGrantResponse grant =
        requests.await(client.getLeaseClient().grant(config.ttl().toSeconds()), "grant of a lease");
    long leaseId = grant.getID();
    TxnResponse txn;
    try {
      txn =
          requests.await(
              kv().txn()
                  .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                  .Then(Op.put(key, ByteSequence.from(self.toJson()), leaseOption(leaseId)))
                  .Else(Op.get(key, GetOption.DEFAULT))
                  .commit(),
              "acquire of " + describe());
    } catch (LeaseException e) {
      revokeQuietly(leaseId);
      throw e;
    }
    if (!txn.isSucceeded()) {
      revokeQuietly(leaseId);
      throw new PrimaryExistsException(holder(txn.getGetResponses()));
    }
    LOG.info(
        "acquired etcd lease: key={} lease={} ttl={}s",
        config.key(),
        EtcdLease.format(leaseId),
        grant.getTTL());
    return newLease(leaseId, new LeaseState(clock, sentAt, Duration.ofSeconds(grant.getTTL())));
  }

  @Override
  public Lease acquireExisting(String leaseId) throws LeaseException {
    if (!candidate) {
      throw new NotCandidateException(self.hostname());
    }
    long id;
    try {
      id = Long.parseUnsignedLong(leaseId, 16);
    } catch (NumberFormatException e) {
      throw new LeaseExpiredException("not an etcd lease ID: \"" + leaseId + "\"", e);
    }
    // The keepalive and the read are independent: sent together, they cost one round trip.
    Instant sentAt = clock.instant();
    CompletableFuture<LeaseKeepAliveResponse> keepalive = client.getLeaseClient().keepAliveOnce(id);
    CompletableFuture<GetResponse> reading = kv().get(key);
    Duration ttl;
    try {
      ttl = EtcdLease.awaitKeepAlive(keepalive, requests, id, config.timeout());
    } catch (LeaseException e) {
      reading.cancel(true);
      throw e;
    }
    GetResponse read = requests.await(reading, "read of " + describe());
    Cmp guard;
    if (read.getKvs().isEmpty()) {
      guard = new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0));
    } else {
      KeyValue held = read.getKvs().get(0);
      if (held.getLease() != id) {
        throw new PrimaryExistsException(decodeOrNull(held));
      }
      guard = new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(held.getModRevision()));
    }
    TxnResponse txn =
        requests.await(
            kv().txn()
                .If(guard)
                .Then(Op.put(key, ByteSequence.from(self.toJson()), leaseOption(id)))
                .Else(Op.get(key, GetOption.DEFAULT))
                .commit(),
            "takeover of " + describe());
    if (!txn.isSucceeded()) {
      throw new PrimaryExistsException(holder(txn.getGetResponses()));
    }
    LOG.info("took over etcd lease: key={} lease={}", config.key(), leaseId);
    return newLease(id, new LeaseState(clock, sentAt, ttl));
  }

  @Override
  public PrimaryInfo primaryInfo() throws LeaseException {
    GetResponse read = requests.await(kv().get(key), "read of " + describe());
    if (read.getKvs().isEmpty()) {
      throw new NoPrimaryException(describe());
    }
    try {
      return PrimaryInfo.fromJson(read.getKvs().get(0).getValue().getBytes());
    } catch (IllegalArgumentException e) {
      throw EtcdPrimaryWatch.unreadable(config.key(), e);
    }
  }

  @Override
  public Optional<PrimaryInfo> awaitPrimaryChange(Optional<PrimaryInfo> seen, Duration timeout)
      throws LeaseException, InterruptedException {
    return watch.awaitChange(seen, timeout);
  }

  @Override
  public Optional<ClusterId> clusterId() throws LeaseException {
    GetResponse read = requests.await(kv().get(clusterIdKey), "read of " + describeClusterId());
    return read.getKvs().isEmpty() ? Optional.empty() : Optional.of(decodeClusterId(read.getKvs()));
  }

  @Override
  public void setClusterId(ClusterId id) throws LeaseException {
    TxnResponse txn =
        requests.await(
            kv().txn()
                .If(new Cmp(clusterIdKey, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(clusterIdKey, bytes(id.value()), PutOption.DEFAULT))
                .Else(Op.get(clusterIdKey, GetOption.DEFAULT))
                .commit(),
            "write of " + describeClusterId());
    if (txn.isSucceeded()) {
      LOG.info("stored cluster id: key={} cluster_id={}", config.clusterIdKey(), id);
      return;
    }
    ClusterId existing = decodeClusterId(txn.getGetResponses().get(0).getKvs());
    if (!existing.equals(id)) {
      throw new ClusterIdMismatchException(id, existing, describeClusterId());
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    watch.close();
    client.close();
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
        LOG.warn("etcd client threads did not stop within 2s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private EtcdLease newLease(long leaseId, LeaseState state) {
    return new EtcdLease(client.getLeaseClient(), requests, leaseId, config.key(), state);
  }

  private KV kv() {
    if (closed.get()) {
      throw new IllegalStateException("etcd leaser is closed");
    }
    return client.getKVClient();
  }

  private void revokeQuietly(long leaseId) {
    try {
      requests.await(client.getLeaseClient().revoke(leaseId), "revoke of an unused lease");
    } catch (LeaseUnavailableException e) {
      LOG.debug("unused etcd lease not revoked, it expires by itself: error={}", e.getMessage());
    }
  }

  private PrimaryInfo holder(List<GetResponse> reads) {
    if (reads.isEmpty() || reads.get(0).getKvs().isEmpty()) {
      return null;
    }
    return decodeOrNull(reads.get(0).getKvs().get(0));
  }

  private static PrimaryInfo decodeOrNull(KeyValue kv) {
    try {
      return PrimaryInfo.fromJson(kv.getValue().getBytes());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private ClusterId decodeClusterId(List<KeyValue> kvs) throws LeaseUnavailableException {
    String value = kvs.get(0).getValue().toString(StandardCharsets.UTF_8);
    try {
      return new ClusterId(value);
    } catch (IllegalArgumentException e) {
      throw new LeaseUnavailableException(
          describeClusterId() + " holds \"" + value + "\", which is not a cluster ID", e);
    }
  }

  private static PutOption leaseOption(long leaseId) {
    return PutOption.builder().withLeaseId(leaseId).build();
  }

  private static ByteSequence bytes(String value) {
    return ByteSequence.from(value, StandardCharsets.UTF_8);
  }

  private static java.util.concurrent.ThreadFactory threads() {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "replicafs-etcd-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}

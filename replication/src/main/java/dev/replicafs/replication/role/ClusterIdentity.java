package dev.replicafs.replication.role;

import dev.replicafs.lease.ClusterId;
import dev.replicafs.lease.ClusterIdMismatchException;
import dev.replicafs.lease.LeaseException;
import dev.replicafs.lease.Leaser;
import dev.replicafs.replication.store.Store;
import java.io.IOException;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster ID rules (docs/LEASES.md §5): before joining, a node whose data directory holds an ID
 * different from the lease backend's refuses ({@link ClusterIdMismatchException}, whose message
 * says how to fix it), and a node with no local ID adopts the backend's; after acquiring, the
 * primary stores its ID (generated now if it has none) in the backend, set-once.
 *
 * <p>It also remembers the ID this process has <em>confirmed</em>: seen both in the data directory
 * and in the backend by a {@link #beforeJoin()} (every replica, hence every handoff target, passed
 * one before it followed its primary). Both are set-once (the backend's by a create-if-absent
 * transaction, the data directory's only when empty), so a confirmed ID stays true for the life of
 * the process, and a handoff takeover skips the check ({@link #confirmedForTakeover()}; the
 * argument is in docs/LEASES.md §5, "After a handoff").
 */
final class ClusterIdentity {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterIdentity.class);

  private final Leaser leaser;
  private final Store store;
  private final RandomGenerator random;
  private volatile Optional<ClusterId> confirmed = Optional.empty();

  ClusterIdentity(Leaser leaser, Store store, RandomGenerator random) {
    this.leaser = leaser;
    this.store = store;
    this.random = random;
  }

  /** Checks before joining; adopts the backend's ID when the data directory has none. */
  void beforeJoin() throws LeaseException, IOException {
    Optional<ClusterId> local = local();
    Optional<ClusterId> remote = leaser.clusterId();
    if (remote.isEmpty()) {
      return;
    }
    if (local.isPresent() && !local.get().equals(remote.get())) {
      throw new ClusterIdMismatchException(local.get(), remote.get(), leaser.describeClusterId());
    }
    if (local.isEmpty()) {
      store.setClusterId(remote.get().value());
      LOG.info("adopted cluster id: cluster_id={} from={}", remote.get(), leaser.describe());
    }
    confirmed = remote;
  }

  /** Run by a new primary: makes the backend and the data directory hold the same ID. */
  void afterAcquire() throws LeaseException, IOException {
    Optional<ClusterId> local = local();
    leaser.checkClusterId(local);
    ClusterId id = local.orElseGet(() -> ClusterId.generate(random));
    leaser.setClusterId(id);
    if (local.isEmpty()) {
      Optional<ClusterId> remote = leaser.clusterId();
      ClusterId chosen = remote.orElse(id);
      store.setClusterId(chosen.value());
      LOG.info("cluster id set: cluster_id={} where={}", chosen, leaser.describeClusterId());
    }
  }

  /**
   * Whether this process already saw the data directory's ID in the backend, and the data directory
   * still holds it: a node taking over a handed-off lease then needs neither the check before
   * joining nor the claim after acquiring (both would read the same set-once keys again).
   */
  boolean confirmedForTakeover() throws IOException {
    Optional<ClusterId> id = confirmed;
    return id.isPresent() && id.equals(local());
  }

  private Optional<ClusterId> local() throws IOException {
    return store.clusterId().map(ClusterId::new);
  }
}

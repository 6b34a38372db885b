package dev.replicafs.replication.role;

import dev.replicafs.lease.ClusterId;
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
 * different from the lease backend's refuses ({@link
 * dev.replicafs.lease.ClusterIdMismatchException}, whose message says how to fix it), and a node
 * with no local ID adopts the backend's; after acquiring, the primary stores its ID (generated now
 * if it has none) in the backend, set-once.
 */
final class ClusterIdentity {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterIdentity.class);

  private final Leaser leaser;
  private final Store store;
  private final RandomGenerator random;

  ClusterIdentity(Leaser leaser, Store store, RandomGenerator random) {
    this.leaser = leaser;
    this.store = store;
    this.random = random;
  }

  /** Checks before joining; adopts the backend's ID when the data directory has none. */
  void beforeJoin() throws LeaseException, IOException {
    Optional<ClusterId> local = local();
    leaser.checkClusterId(local);
    if (local.isEmpty()) {
      Optional<ClusterId> remote = leaser.clusterId();
      if (remote.isPresent()) {
        store.setClusterId(remote.get().value());
        LOG.info("adopted cluster id: cluster_id={} from={}", remote.get(), leaser.describe());
      }
    }
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

  private Optional<ClusterId> local() throws IOException {
    return store.clusterId().map(ClusterId::new);
  }
}

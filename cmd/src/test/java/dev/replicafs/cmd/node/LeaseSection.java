package dev.replicafs.cmd.node;

/**
 * The {@code lease:} section of a cluster node's generated replicafs.yml. Pluggable so a cluster
 * test runs on the static lease today and can drop in an etcd or Consul section later without
 * touching the harness.
 */
@FunctionalInterface
interface LeaseSection {
  /** The YAML text (starting with {@code lease:}) for {@code self}; {@code seed} is node 0. */
  String yaml(ClusterNode.Spec self, ClusterNode.Spec seed);

  /** A static lease: node 0 is the primary and the only candidate; everyone points at its API. */
  static LeaseSection staticSeedPrimary() {
    return (self, seed) ->
        "lease:\n  type: static\n  hostname: \""
            + seed.name()
            + "\"\n  advertise-url: \""
            + seed.advertiseUrl()
            + "\"\n  candidate: "
            + (self.index() == seed.index())
            + "\n";
  }

  /**
   * An etcd lease on {@code endpoint} under {@code key} with a TTL of {@code ttlSeconds}: every
   * node advertises its own API; nodes whose index {@code candidate} rejects are non-candidates.
   */
  static LeaseSection etcd(
      String endpoint, String key, int ttlSeconds, java.util.function.IntPredicate candidate) {
    return etcd(i -> endpoint, key, ttlSeconds, candidate);
  }

  /** {@link #etcd(String, String, int, java.util.function.IntPredicate)}, endpoint per node. */
  static LeaseSection etcd(
      java.util.function.IntFunction<String> endpoint,
      String key,
      int ttlSeconds,
      java.util.function.IntPredicate candidate) {
    return (self, seed) ->
        "lease:\n  type: etcd\n  hostname: \""
            + self.name()
            + "\"\n  advertise-url: \""
            + self.advertiseUrl()
            + "\"\n  candidate: "
            + candidate.test(self.index())
            + "\n  etcd:\n    endpoints: [\""
            + endpoint.apply(self.index())
            + "\"]\n    key: \""
            + key
            + "\"\n    ttl: "
            + ttlSeconds
            + "s\n";
  }
}

package dev.replicafs.cmd.config;

import java.time.Duration;
import java.util.List;

/**
 * The {@code lease} section: how this node takes part in electing the primary. The constructor
 * checks what the chosen backend needs (static: {@code advertise-url}; consul: {@code url} and
 * {@code key}; etcd: {@code endpoints} and {@code key}).
 *
 * @param type the backend (required)
 * @param hostname name other nodes and the proxy use for this node (static: as given; consul/etcd:
 *     defaults to this machine's hostname, filled in by the loader)
 * @param advertiseUrl URL of this node's API (static: the primary's URL, the same on every node;
 *     consul/etcd: defaults to {@code http://<hostname>:<http port>})
 * @param candidate may become primary (static: true on the primary only)
 * @param promote a candidate asks the current primary for a handoff once it is in sync
 * @param reconnectDelay pause before retrying after losing the lease or the primary
 * @param demoteDelay pause after a demotion before trying to become primary again
 * @param databases replicate only these databases (non-candidates only); empty means all
 * @param consul Consul settings
 * @param etcd etcd settings
 */
public record LeaseConfig(
    LeaseType type,
    String hostname,
    String advertiseUrl,
    boolean candidate,
    boolean promote,
    Duration reconnectDelay,
    Duration demoteDelay,
    List<String> databases,
    ConsulConfig consul,
    EtcdConfig etcd) {
  public static final Duration DEFAULT_RECONNECT_DELAY = Duration.ofSeconds(1);
  public static final Duration DEFAULT_DEMOTE_DELAY = Duration.ofSeconds(10);

  public LeaseConfig {
    if (type == null) {
      throw new ConfigException(
          "lease.type", "lease.type is required: set it to static, consul or etcd");
    }
    hostname = Checks.text(hostname);
    advertiseUrl = Checks.httpUrl(advertiseUrl, "lease.advertise-url");
    Checks.notNegative(reconnectDelay, "lease.reconnect-delay");
    Checks.notNegative(demoteDelay, "lease.demote-delay");
    databases = List.copyOf(databases);
    Checks.present(consul, "lease.consul");
    Checks.present(etcd, "lease.etcd");
    if (candidate && !databases.isEmpty()) {
      throw new ConfigException(
          "lease.databases",
          "lease.databases is only allowed on non-candidate nodes: a candidate may become primary"
              + " and must hold every database; remove it or set lease.candidate: false");
    }
    switch (type) {
      case STATIC:
        if (advertiseUrl.isEmpty()) {
          throw new ConfigException(
              "lease.advertise-url",
              "lease.advertise-url is required for lease.type static: the primary's API URL, the"
                  + " same on every node, e.g. \"http://primary:20202\"");
        }
        break;
      case CONSUL:
        requireConsul(consul);
        break;
      case ETCD:
        requireEtcd(etcd);
        break;
    }
  }

  private static void requireConsul(ConsulConfig consul) {
    if (consul.url().isEmpty()) {
      throw new ConfigException(
          "lease.consul.url",
          "lease.consul.url is required for lease.type consul, e.g. \"http://localhost:8500\"");
    }
    if (consul.key().isEmpty()) {
      throw new ConfigException(
          "lease.consul.key",
          "lease.consul.key is required for lease.type consul: a key unique to this cluster,"
              + " e.g. \"myapp/primary\"");
    }
    if (consul.ttl().compareTo(ConsulConfig.DEFAULT_TTL) < 0) {
      throw new ConfigException(
          "lease.consul.ttl", "lease.consul.ttl must be at least 10s (Consul's minimum)");
    }
  }

  private static void requireEtcd(EtcdConfig etcd) {
    if (etcd.endpoints().isEmpty()) {
      throw new ConfigException(
          "lease.etcd.endpoints",
          "lease.etcd.endpoints is required for lease.type etcd: list the etcd client URLs,"
              + " e.g. [\"http://etcd:2379\"]");
    }
    if (etcd.key().isEmpty()) {
      throw new ConfigException(
          "lease.etcd.key",
          "lease.etcd.key is required for lease.type etcd: a key unique to this cluster,"
              + " e.g. \"myapp/primary\"");
    }
  }
}

package dev.replicafs.cmd.config;

/** Which lease backend elects the primary ({@code lease.type}). */
public enum LeaseType implements ConfigChoice {
  /** One fixed primary ({@code lease.candidate: true}), no failover. */
  STATIC("static"),
  /** A Consul session and KV lock. */
  CONSUL("consul"),
  /** An etcd lease and a create-if-absent transaction. */
  ETCD("etcd");

  private final String configName;

  LeaseType(String configName) {
    this.configName = configName;
  }

  @Override
  public String configName() {
    return configName;
  }
}

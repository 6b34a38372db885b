package dev.replicafs.cmd.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The {@code lease.etcd} section (ReplicaFS extension; used when {@code lease.type} is {@code
 * etcd}, when {@link LeaseConfig} checks the required keys).
 *
 * @param endpoints etcd client URLs
 * @param key the lease key, unique per cluster
 * @param ttl etcd lease TTL, whole seconds
 * @param username etcd user (with {@code password})
 * @param password etcd password; never printed
 * @param tls client TLS towards etcd
 */
public record EtcdConfig(
    List<String> endpoints,
    String key,
    Duration ttl,
    String username,
    String password,
    EtcdConfig.Tls tls) {
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(10);

  public EtcdConfig {
    endpoints = List.copyOf(endpoints);
    for (String endpoint : endpoints) {
      Checks.httpUrl(endpoint, "lease.etcd.endpoints");
    }
    key = Checks.text(key);
    Checks.positive(ttl, "lease.etcd.ttl");
    if (ttl.toNanosPart() != 0) {
      throw new ConfigException(
          "lease.etcd.ttl", "lease.etcd.ttl must be whole seconds (etcd leases count seconds)");
    }
    username = Checks.text(username);
    password = Checks.text(password);
    if (username.isEmpty() != password.isEmpty()) {
      throw new ConfigException(
          username.isEmpty() ? "lease.etcd.username" : "lease.etcd.password",
          "lease.etcd.username and lease.etcd.password must be set together");
    }
    Checks.present(tls, "lease.etcd.tls");
  }

  /** Defaults (endpoints and key unset). */
  public static EtcdConfig defaults() {
    return new EtcdConfig(List.of(), "", DEFAULT_TTL, "", "", new Tls(null, null, null));
  }

  @Override
  public String toString() {
    return "EtcdConfig[endpoints="
        + endpoints
        + ", key="
        + key
        + ", ttl="
        + ttl
        + ", username="
        + username
        + ", password="
        + (password.isEmpty() ? "none" : "(redacted)")
        + ", tls="
        + tls
        + "]";
  }

  /**
   * The {@code lease.etcd.tls} section.
   *
   * @param caFile PEM CA bundle used to verify etcd's certificate
   * @param certFile client certificate (with {@code keyFile})
   * @param keyFile client key
   */
  public record Tls(Path caFile, Path certFile, Path keyFile) {
    public Tls {
      if ((certFile == null) != (keyFile == null)) {
        throw new ConfigException(
            certFile == null ? "lease.etcd.tls.cert-file" : "lease.etcd.tls.key-file",
            "lease.etcd.tls.cert-file and lease.etcd.tls.key-file must be set together");
      }
    }
  }
}

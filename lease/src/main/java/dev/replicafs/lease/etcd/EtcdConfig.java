package dev.replicafs.lease.etcd;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The {@code lease.etcd} section of {@code replicafs.yml}. Keys, defaults and meaning:
 *
 * <pre>
 * lease:
 *   type: etcd
 *   etcd:
 *     endpoints: ["http://127.0.0.1:2379"]  # client URLs; https:// enables TLS
 *     key: "/myapp/primary"                 # required, unique per cluster
 *     ttl: 10s                              # lease TTL, whole seconds, >= 1s
 *     timeout: 5s                           # per-request timeout (connect, txn, renew)
 *     username: ""                          # etcd auth user (with password)
 *     password: ""
 *     ca-file: ""                           # PEM CA bundle to verify the server
 *     cert-file: ""                         # PEM client certificate (mutual TLS)
 *     key-file: ""                          # PEM PKCS#8 private key of cert-file
 * </pre>
 *
 * The cluster ID lives at {@code <key>/clusterid}. Missing values take the defaults above.
 */
public record EtcdConfig(
    @JsonProperty("endpoints") List<String> endpoints,
    @JsonProperty("key") String key,
    @JsonProperty("ttl") Duration ttl,
    @JsonProperty("timeout") Duration timeout,
    @JsonProperty("username") String username,
    @JsonProperty("password") String password,
    @JsonProperty("ca-file") String caFile,
    @JsonProperty("cert-file") String certFile,
    @JsonProperty("key-file") String keyFile) {

  public static final List<String> DEFAULT_ENDPOINTS = List.of("http://127.0.0.1:2379");
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  /** Applies defaults and validates; messages name the key to fix. */
  public EtcdConfig {
    endpoints =
        endpoints == null || endpoints.isEmpty() ? DEFAULT_ENDPOINTS : List.copyOf(endpoints);
    for (String endpoint : endpoints) {
      URI uri;
      try {
        uri = URI.create(endpoint);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("lease.etcd.endpoints: invalid URL " + endpoint, e);
      }
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
          || uri.getHost() == null
          || uri.getPort() < 0) {
        throw new IllegalArgumentException(
            "lease.etcd.endpoints: expected http://host:port or https://host:port, got "
                + endpoint);
      }
    }
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException(
          "must specify an etcd key (lease.etcd.key), unique per cluster, e.g. /myapp/primary");
    }
    if (key.endsWith("/")) {
      throw new IllegalArgumentException("lease.etcd.key must not end with '/': " + key);
    }
    ttl = ttl == null ? DEFAULT_TTL : ttl;
    if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.toNanos() % 1_000_000_000L != 0) {
      throw new IllegalArgumentException(
          "lease.etcd.ttl must be a whole number of seconds, at least 1s: " + ttl);
    }
    timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("lease.etcd.timeout must be positive: " + timeout);
    }
    username = username == null ? "" : username;
    password = password == null ? "" : password;
    if (username.isEmpty() != password.isEmpty()) {
      throw new IllegalArgumentException(
          "lease.etcd.username and lease.etcd.password must be set together");
    }
    caFile = caFile == null ? "" : caFile;
    certFile = certFile == null ? "" : certFile;
    keyFile = keyFile == null ? "" : keyFile;
    if (certFile.isEmpty() != keyFile.isEmpty()) {
      throw new IllegalArgumentException(
          "lease.etcd.cert-file and lease.etcd.key-file must be set together");
    }
  }

  /** A config with defaults for everything but the endpoints, key and TTL. */
  public static EtcdConfig of(List<String> endpoints, String key, Duration ttl) {
    return new EtcdConfig(endpoints, key, ttl, null, null, null, null, null, null);
  }

  /** Whether any endpoint uses TLS or a TLS file is configured. */
  public boolean tls() {
    return !caFile.isEmpty()
        || !certFile.isEmpty()
        || endpoints.stream().anyMatch(e -> e.startsWith("https:"));
  }

  /** The key holding the cluster ID. */
  public String clusterIdKey() {
    return key + "/clusterid";
  }

  /** Masks the password. */
  @Override
  public String toString() {
    return "EtcdConfig[endpoints="
        + endpoints
        + ", key="
        + key
        + ", ttl="
        + ttl
        + ", timeout="
        + timeout
        + ", username="
        + username
        + ", password="
        + (password.isEmpty() ? "" : "***")
        + ", ca-file="
        + caFile
        + ", cert-file="
        + certFile
        + ", key-file="
        + keyFile
        + "]";
  }
}

package dev.replicafs.cmd.config;

import dev.replicafs.replication.http.NodeSecurity;
import dev.replicafs.replication.http.NodeTls;
import java.io.IOException;

/**
 * Turns the {@code http} section into the node API's {@link NodeSecurity}, the one value the
 * composition root hands to {@code NodeServer.Options} and to every {@code NodeClient}: the cluster
 * token, and TLS loaded from the PEM files ({@code client-ca-file} both verifies the nodes this
 * node connects to and, when set, makes client certificates required).
 */
public final class HttpSecurity {
  private HttpSecurity() {}

  /**
   * @throws ConfigException when the token is not printable ASCII or a TLS file cannot be used
   */
  public static NodeSecurity of(HttpConfig http) {
    NodeSecurity security;
    try {
      security = NodeSecurity.NONE.withToken(http.token());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("http.token", "http.token: " + e.getMessage());
    }
    TlsConfig tls = http.tls();
    if (!tls.enabled()) {
      return security;
    }
    try {
      return security.withTls(
          NodeTls.load(tls.certFile(), tls.keyFile(), tls.clientCa(), tls.clientCa().isPresent()));
    } catch (IOException e) {
      throw new ConfigException("http.tls", "http.tls: " + e.getMessage());
    }
  }
}

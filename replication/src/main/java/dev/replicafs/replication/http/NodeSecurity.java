package dev.replicafs.replication.http;

import java.util.Objects;
import java.util.Optional;

/**
 * How this node authenticates on the node API, as server and as client: the cluster token ({@code
 * http.token}) and TLS ({@code http.tls.*}). The composition root builds it from the config and
 * passes the same value to {@link NodeServer.Options} and to every {@link NodeClient}.
 *
 * @param token the cluster token; empty = no authentication
 * @param tls TLS material; empty = plain HTTP
 */
public record NodeSecurity(Optional<ClusterToken> token, Optional<NodeTls> tls) {
  /** No token, plain HTTP (LiteFS's behaviour). */
  public static final NodeSecurity NONE = new NodeSecurity(Optional.empty(), Optional.empty());

  public NodeSecurity {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(tls, "tls");
  }

  /** This security with {@code token} (null or empty = none). */
  public NodeSecurity withToken(String token) {
    return new NodeSecurity(
        token == null || token.isEmpty() ? Optional.empty() : Optional.of(new ClusterToken(token)),
        tls);
  }

  /** This security with TLS. */
  public NodeSecurity withTls(NodeTls tls) {
    return new NodeSecurity(token, Optional.of(tls));
  }

  /** {@code https} with TLS, else {@code http}. */
  public String scheme() {
    return tls.isPresent() ? "https" : "http";
  }
}

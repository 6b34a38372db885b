package dev.replicafs.proxy;

import java.net.URI;
import java.util.Objects;

/**
 * Where the current primary can be reached by the proxy.
 *
 * @param hostname the primary's {@code lease.hostname}, used in {@code fly-replay: instance=}
 * @param proxyUrl base URL of the primary's proxy ({@code http://host:port}); writes are forwarded
 *     there, never to the primary's node API. Plain HTTP only: node-to-node traffic stays inside
 *     the cluster network, and TLS for clients is terminated in front of the proxy.
 */
public record PrimaryInfo(String hostname, URI proxyUrl) {

  public PrimaryInfo {
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(proxyUrl, "proxyUrl");
    if (!"http".equals(proxyUrl.getScheme())) {
      throw new IllegalArgumentException(
          "primary proxy URL must be http://host:port (nodes talk plain HTTP; terminate TLS in"
              + " front of the proxy), got '"
              + proxyUrl
              + "'");
    }
    if (proxyUrl.getHost() == null) {
      throw new IllegalArgumentException("primary proxy URL has no host: '" + proxyUrl + "'");
    }
  }
}

package dev.replicafs.lease.consul;

import java.net.URI;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code lease.consul.url} taken apart as LiteFS does: {@code
 * scheme://[user][:TOKEN@]host[:port][/prefix]}. The password part of the user info is the ACL
 * token (sent as {@code X-Consul-Token}); the path, without its slashes, is the key prefix. A URL
 * without a port uses the scheme's (80, 443), as the Go client does. Example (Fly's {@code
 * FLY_CONSUL_URL}): {@code https://:s3cr3t@consul-iad.fly-shared.net/myapp-abc123/} gives address
 * {@code https://consul-iad.fly-shared.net:443}, token {@code s3cr3t}, prefix {@code myapp-abc123}.
 *
 * @param address {@code scheme://host:port}
 * @param token the ACL token, if any
 * @param prefix the key prefix, empty for none, without leading or trailing slash
 */
public record ConsulUrl(String address, Optional<String> token, String prefix) {

  /** Parses and validates; the message names the key to fix. */
  public static ConsulUrl parse(String url) {
    URI uri;
    try {
      uri = URI.create(url.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("lease.consul.url is not a URL: " + e.getMessage(), e);
    }
    String scheme = uri.getScheme();
    if (!"http".equals(scheme) && !"https".equals(scheme)) {
      throw new IllegalArgumentException(
          "lease.consul.url must start with http:// or https://, got " + redact(uri));
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("lease.consul.url has no host: " + redact(uri));
    }
    int port = uri.getPort() >= 0 ? uri.getPort() : "https".equals(scheme) ? 443 : 80;
    Optional<String> token = Optional.empty();
    String userInfo = uri.getUserInfo();
    if (userInfo != null && userInfo.indexOf(':') >= 0) {
      token = Optional.of(userInfo.substring(userInfo.indexOf(':') + 1)).filter(t -> !t.isEmpty());
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    return new ConsulUrl(scheme + "://" + uri.getHost() + ":" + port, token, join(path));
  }

  /** Joins key segments with single slashes, dropping empty ones (Go's {@code path.Join}). */
  static String join(String... parts) {
    return Arrays.stream(parts)
        .flatMap(p -> Arrays.stream(p.split("/")))
        .filter(s -> !s.isEmpty())
        .collect(Collectors.joining("/"));
  }

  private static String redact(URI uri) {
    return uri.getScheme()
        + "://"
        + uri.getHost()
        + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
  }

  /** Never prints the token. */
  @Override
  public String toString() {
    return address
        + (token.isPresent() ? " (with token)" : "")
        + (prefix.isEmpty() ? "" : "/" + prefix);
  }
}

package dev.replicafs.proxy;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * A bind address as written in {@code litefs.yml} ({@code :8080}, {@code host:port}, {@code
 * [::1]:8080}); an empty host means every interface.
 *
 * @param host host name or literal address without brackets; {@code 0.0.0.0} for "all"
 * @param port 0..65535; 0 asks the OS for a free port
 */
record HostPort(String host, int port) {

  HostPort {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /** Parses {@code value}; {@code key} names the config key in the error message. */
  static HostPort parse(String value, String key) {
    String v = value.trim();
    int colon = v.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(key + " must be host:port or :port, got '" + value + "'");
    }
    String host = v.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      int port = Integer.parseInt(v.substring(colon + 1));
      return new HostPort(host.isEmpty() ? "0.0.0.0" : host, port);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          key + " must be host:port or :port with a port in 0..65535, got '" + value + "'", e);
    }
  }

  /**
   * The base URI of the app behind {@code proxy.target}: {@code host:port} becomes {@code
   * http://host:port}; a full {@code http://} URL is taken as is.
   */
  static URI targetUri(String target) {
    String t = target.trim();
    String url = t.contains("://") ? t : "http://" + (t.startsWith(":") ? "localhost" + t : t);
    try {
      URI uri = new URI(url);
      if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() == 0) {
        throw new IllegalArgumentException(
            "proxy.target must be host:port (or http://host:port) of the app, got '"
                + target
                + "'");
      }
      return originOf(uri);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "proxy.target must be host:port of the app, got '" + target + "'", e);
    }
  }

  /** {@code scheme://host:port} of {@code uri}, without path, query or fragment. */
  static URI originOf(URI uri) {
    int port = uri.getPort() >= 0 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
    return URI.create(uri.getScheme() + "://" + bracket(uri.getHost()) + ":" + port);
  }

  private static String bracket(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }
}

package dev.replicafs.cmd.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;

/** Validation helpers for the config records' compact constructors; each names the key. */
final class Checks {
  private Checks() {}

  static <T> T present(T value, String key) {
    return Objects.requireNonNull(value, key + " must not be null");
  }

  static Duration notNegative(Duration value, String key) {
    present(value, key);
    if (value.isNegative()) {
      throw new ConfigException(
          key, key + " must not be negative: use 0 to disable, or e.g. \"10s\"");
    }
    return value;
  }

  static Duration positive(Duration value, String key) {
    present(value, key);
    if (value.isNegative() || value.isZero()) {
      throw new ConfigException(key, key + " must be greater than zero, e.g. \"10s\"");
    }
    return value;
  }

  static String text(String value) {
    return value == null ? "" : value;
  }

  /** Checks that {@code value}, when not empty, is an absolute http or https URL. */
  static String httpUrl(String value, String key) {
    String v = text(value);
    if (v.isEmpty()) {
      return v;
    }
    try {
      URI uri = new URI(v);
      String scheme = uri.getScheme();
      if (scheme == null
          || !(scheme.equals("http") || scheme.equals("https"))
          || uri.getHost() == null) {
        throw new URISyntaxException(v, "not an absolute http(s) URL");
      }
    } catch (URISyntaxException e) {
      throw new ConfigException(
          key, key + " must be an http:// or https:// URL with a host, got \"" + v + "\"");
    }
    return v;
  }

  /**
   * Checks a Go-style listen address {@code [host]:port} and returns its port; an empty host means
   * every interface.
   */
  static int listenPort(String addr, String key) {
    int colon = addr.lastIndexOf(':');
    String example = " (write e.g. \":20202\" or \"127.0.0.1:20202\")";
    if (colon < 0) {
      throw new ConfigException(key, key + " must be host:port, got \"" + addr + "\"" + example);
    }
    try {
      int port = Integer.parseInt(addr.substring(colon + 1));
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new ConfigException(key, key + " has an invalid port in \"" + addr + "\"" + example);
    }
  }
}

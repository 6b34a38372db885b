package dev.replicafs.replication.http;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;

/**
 * Request-size limits of the node API, below Undertow's generous defaults: a node's requests are
 * small (a few headers, at most one or two query parameters), so anything larger is refused by
 * Undertow before an endpoint runs (oversized headers: {@code 431}/connection closed; too many
 * parameters: {@code 400}). Bodies are bounded per endpoint: the position map at 16 MiB by its
 * decoder; an import body is checked for a SQLite header after its first 100 bytes.
 */
final class ServerLimits {
  /** Bytes of all request headers together. */
  static final int MAX_HEADER_BYTES = 16 * 1024;

  /** Request headers. */
  static final int MAX_HEADERS = 64;

  /** Query parameters. */
  static final int MAX_PARAMETERS = 16;

  private ServerLimits() {}

  static Undertow.Builder apply(Undertow.Builder builder) {
    return builder
        .setServerOption(UndertowOptions.MAX_HEADER_SIZE, MAX_HEADER_BYTES)
        .setServerOption(UndertowOptions.MAX_HEADERS, MAX_HEADERS)
        .setServerOption(UndertowOptions.MAX_PARAMETERS, MAX_PARAMETERS)
        .setServerOption(UndertowOptions.ALLOW_ENCODED_SLASH, false)
        .setServerOption(UndertowOptions.DECODE_URL, true);
  }
}

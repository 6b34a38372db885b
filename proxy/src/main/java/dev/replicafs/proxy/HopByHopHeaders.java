package dev.replicafs.proxy;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Removes hop-by-hop headers (RFC 9110 §7.6.1: {@code Connection} and every header it names, plus
 * {@code Keep-Alive}, {@code Proxy-Connection}, {@code Proxy-Authenticate}, {@code
 * Proxy-Authorization}, {@code TE}, {@code Trailer}, {@code Upgrade}) before a message crosses the
 * proxy, the same set Go's {@code httputil.ReverseProxy} removes.
 *
 * <p>Two exceptions keep the proxy working: on an upgrade request ({@code Connection: upgrade}) the
 * {@code Connection} and {@code Upgrade} headers are kept so the WebSocket handshake reaches the
 * app; and framing headers ({@code Transfer-Encoding}, {@code Content-Length}) are left to
 * Undertow, which re-frames each hop itself.
 */
final class HopByHopHeaders {

  private static final Set<String> ALWAYS =
      Set.of(
          "keep-alive",
          "proxy-connection",
          "proxy-authenticate",
          "proxy-authorization",
          "te",
          "trailer");
  private static final HttpString HTTP2_SETTINGS = new HttpString("HTTP2-Settings");
  private static final Set<String> FRAMING =
      Set.of("transfer-encoding", "content-length", "connection", "upgrade");

  private HopByHopHeaders() {}

  /** Strips hop-by-hop headers from the request about to be forwarded. */
  static void stripRequest(HttpServerExchange exchange) {
    HeaderMap headers = exchange.getRequestHeaders();
    boolean upgrade = isUpgradeRequest(headers);
    for (String named : connectionTokens(headers)) {
      if (!FRAMING.contains(named) && !(upgrade && "upgrade".equals(named))) {
        headers.remove(named);
      }
    }
    removeAlways(headers);
    if (!upgrade) {
      headers.remove(Headers.UPGRADE);
      headers.remove(Headers.CONNECTION);
      headers.remove(HTTP2_SETTINGS);
    }
  }

  /**
   * Strips hop-by-hop headers from the app's response before it is sent on. The app's {@code
   * Connection} header goes too (Undertow writes this hop's own), except on a 101 upgrade.
   */
  static void stripResponse(HttpServerExchange exchange) {
    HeaderMap headers = exchange.getResponseHeaders();
    for (String named : connectionTokens(headers)) {
      if (!FRAMING.contains(named)) {
        headers.remove(named);
      }
    }
    removeAlways(headers);
    if (!exchange.isUpgrade()) {
      headers.remove(Headers.CONNECTION);
    }
  }

  /**
   * True for {@code Connection: upgrade} with an {@code Upgrade} header (e.g. WebSocket), except
   * the cleartext HTTP/2 upgrade ({@code h2c}), which is a hop-by-hop negotiation the proxy
   * declines.
   */
  static boolean isUpgradeRequest(HeaderMap headers) {
    String upgrade = headers.getFirst(Headers.UPGRADE);
    return upgrade != null
        && !"h2c".equalsIgnoreCase(upgrade.trim())
        && connectionTokens(headers).contains("upgrade");
  }

  private static void removeAlways(HeaderMap headers) {
    for (String name : ALWAYS) {
      headers.remove(name);
    }
  }

  private static List<String> connectionTokens(HeaderMap headers) {
    HeaderValues values = headers.get(Headers.CONNECTION);
    List<String> tokens = new ArrayList<>();
    if (values == null) {
      return tokens;
    }
    for (String value : values) {
      for (String token : value.split(",")) {
        String t = token.trim().toLowerCase(Locale.ROOT);
        if (!t.isEmpty() && !"close".equals(t)) {
          tokens.add(t);
        }
      }
    }
    return tokens;
  }
}

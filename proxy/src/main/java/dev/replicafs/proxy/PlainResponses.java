package dev.replicafs.proxy;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;
import org.xnio.IoUtils;

/** Short {@code text/plain} answers the proxy itself gives (health, errors). */
final class PlainResponses {

  private PlainResponses() {}

  /** Sends {@code status} with {@code body} plus a newline, unless a response already started. */
  static void send(HttpServerExchange exchange, int status, String body) {
    if (exchange.isResponseStarted()) {
      IoUtils.safeClose(exchange.getConnection());
      return;
    }
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
    exchange.getResponseSender().send(body + "\n", StandardCharsets.UTF_8);
  }
}

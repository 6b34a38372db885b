package dev.replicafs.proxy;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import io.undertow.util.StatusCodes;

/**
 * {@code proxy.mode: fly-replay}: a write on a replica is answered, as LiteFS does, with status
 * 200, an empty body and {@code fly-replay: instance=<primary hostname>}, and Fly.io's edge proxy
 * replays the request on that machine (bodies up to 1 MB there).
 */
final class FlyReplay {

  static final HttpString HEADER = new HttpString("fly-replay");

  private FlyReplay() {}

  static void answer(HttpServerExchange exchange, PrimaryInfo primary) {
    if (primary.hostname().isBlank()) {
      PlainResponses.send(
          exchange,
          StatusCodes.SERVICE_UNAVAILABLE,
          "Proxy error: primary has no hostname to replay to; set lease.hostname");
      return;
    }
    exchange.setStatusCode(StatusCodes.OK);
    exchange.getResponseHeaders().put(HEADER, "instance=" + primary.hostname());
    exchange.endExchange();
  }
}

package dev.replicafs.proxy;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.net.URI;
import java.util.function.Supplier;

/**
 * Hands an exchange to Undertow's {@code ProxyHandler} with its route set, after removing
 * hop-by-hop headers from the request (and, at commit, from the response).
 */
final class Forwarder {

  private final HttpHandler proxyHandler;
  private final URI target;

  Forwarder(HttpHandler proxyHandler, URI target) {
    this.proxyHandler = proxyHandler;
    this.target = target;
  }

  /** The local app's origin ({@code proxy.target}). */
  URI target() {
    return target;
  }

  /** Sends the exchange to the local app; the loop-prevention header never reaches the app. */
  void toLocalApp(HttpServerExchange exchange) throws Exception {
    exchange.getRequestHeaders().remove(WriteRoute.FORWARDED);
    toUpstream(exchange, () -> target);
  }

  /** Sends the exchange to whatever {@code route} names at each connection attempt. */
  void toUpstream(HttpServerExchange exchange, Supplier<URI> route) throws Exception {
    exchange.putAttachment(UpstreamClient.ROUTE, route);
    HopByHopHeaders.stripRequest(exchange);
    exchange.addResponseCommitListener(HopByHopHeaders::stripResponse);
    proxyHandler.handleRequest(exchange);
  }
}

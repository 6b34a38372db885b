package dev.replicafs.proxy;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.time.Clock;
import java.util.List;

/**
 * The proxy's root handler. Routes each request in LiteFS's order:
 *
 * <ol>
 *   <li>path matches {@code passthrough}: straight to the local app, no token logic;
 *   <li>{@code GET /litefs/health} or {@code GET /replicafs/health}: {@link HealthCheck};
 *   <li>{@code GET}/{@code HEAD} not matching {@code always-forward}: {@link ReadRoute};
 *   <li>everything else: {@link WriteRoute}.
 * </ol>
 */
final class ProxyRouter implements HttpHandler {

  private final ProxyConfig config;
  private final List<PathPattern> passthrough;
  private final List<PathPattern> alwaysForward;
  private final Forwarder forwarder;
  private final HealthCheck health;
  private final ReadRoute reads;
  private final WriteRoute writes;

  ProxyRouter(ProxyConfig config, ClusterView view, Clock clock, HttpHandler proxyHandler) {
    this.config = config;
    this.passthrough = PathPattern.compileAll(config.passthrough());
    this.alwaysForward = PathPattern.compileAll(config.alwaysForward());
    this.forwarder = new Forwarder(proxyHandler, HostPort.targetUri(config.target()));
    this.health = new HealthCheck(view, config.maxLag());
    this.reads = new ReadRoute(config, view, forwarder);
    this.writes = new WriteRoute(config, view, clock, forwarder);
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    String path = exchange.getRequestPath();
    HttpString method = exchange.getRequestMethod();
    if (PathPattern.anyMatches(passthrough, path)) {
      RequestLog.route(config.debug(), exchange, "passthrough");
      forwarder.toLocalApp(exchange);
    } else if (Methods.GET.equals(method) && HealthCheck.PATHS.contains(path)) {
      health.handleRequest(exchange);
    } else if ((Methods.GET.equals(method) || Methods.HEAD.equals(method))
        && !PathPattern.anyMatches(alwaysForward, path)) {
      reads.handle(exchange);
    } else {
      writes.handle(exchange);
    }
  }
}

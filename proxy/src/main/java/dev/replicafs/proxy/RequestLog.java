package dev.replicafs.proxy;

import io.undertow.server.HttpServerExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One line per routed request: at INFO when {@code proxy.debug} is set, else at DEBUG. */
final class RequestLog {

  private static final Logger LOG = LoggerFactory.getLogger(ProxyRouter.class);

  private RequestLog() {}

  static void route(boolean debug, HttpServerExchange exchange, String route) {
    if (debug) {
      LOG.info(
          "proxy request method={} path={} route={}",
          exchange.getRequestMethod(),
          exchange.getRequestPath(),
          route);
    } else if (LOG.isDebugEnabled()) {
      LOG.debug(
          "proxy request method={} path={} route={}",
          exchange.getRequestMethod(),
          exchange.getRequestPath(),
          route);
    }
  }
}

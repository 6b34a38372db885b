package dev.replicafs.proxy;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.StatusCodes;
import java.time.Duration;
import java.util.Set;

/**
 * {@code GET /litefs/health} and {@code GET /replicafs/health}: {@code 200 OK}, or {@code 503
 * Replication lag exceeded} when this node's lag is above {@code max-lag} (0 disables the check).
 */
final class HealthCheck implements HttpHandler {

  static final Set<String> PATHS = Set.of("/litefs/health", "/replicafs/health");

  private final ClusterView view;
  private final Duration maxLag;

  HealthCheck(ClusterView view, Duration maxLag) {
    this.view = view;
    this.maxLag = maxLag;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    Duration lag = view.lag();
    if (!maxLag.isZero() && lag.compareTo(maxLag) > 0) {
      PlainResponses.send(exchange, StatusCodes.SERVICE_UNAVAILABLE, "Replication lag exceeded");
    } else {
      PlainResponses.send(exchange, StatusCodes.OK, "OK");
    }
  }
}

package dev.replicafs.replication.http;

import dev.replicafs.replication.role.HandoffException;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * {@code POST /handoff?nodeID=} and {@code POST /promote}: delegate to the role machine and map a
 * {@link HandoffException}'s reason to a status (docs/PROTOCOL.md, endpoint table). A node without
 * a role machine (the static {@code becomePrimary()} seam) answers 503.
 */
final class RoleEndpoints {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final Supplier<RoleControl> control;

  RoleEndpoints(Supplier<RoleControl> control) {
    this.control = control;
  }

  void handoff(HttpServerExchange exchange) throws Exception {
    String raw = Params.single(exchange, "nodeID");
    if (raw == null || !raw.matches("[0-9A-Fa-f]{16}")) {
      throw ApiException.badRequest("query parameter nodeID must be 16 hex digits");
    }
    long target = Long.parseUnsignedLong(raw, 16);
    await(role().handoff(target), "handed off to node " + raw.toUpperCase() + "\n", exchange);
  }

  void promote(HttpServerExchange exchange) throws Exception {
    await(role().promote(), "this node is the primary\n", exchange);
  }

  private RoleControl role() throws ApiException {
    RoleControl c = control.get();
    if (c == null) {
      throw new ApiException(503, "this node has no lease role machine (static role)");
    }
    return c;
  }

  private static void await(CompletableFuture<Void> f, String ok, HttpServerExchange exchange)
      throws Exception {
    try {
      f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new ApiException(504, "no outcome within " + WAIT + "; check /info");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof HandoffException h) {
        throw new ApiException(status(h.reason()), h.getMessage());
      }
      throw new ApiException(500, "internal error: " + e.getCause());
    }
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
    exchange.getOutputStream().write(ok.getBytes(StandardCharsets.UTF_8));
  }

  static int status(HandoffException.Reason reason) {
    return switch (reason) {
      case NOT_PRIMARY, LEASE_LOST, CLOSED -> 503;
      case NOT_CONNECTED, NOT_SUPPORTED, NOT_CANDIDATE -> 409;
      case FLUSH_FAILED -> 504;
      case SEND_FAILED, REQUEST_FAILED -> 502;
    };
  }
}

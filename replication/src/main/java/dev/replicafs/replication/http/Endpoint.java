package dev.replicafs.replication.http;

import dev.replicafs.replication.store.InvalidDatabaseNameException;
import dev.replicafs.replication.store.NotFoundException;
import dev.replicafs.replication.store.Store;
import dev.replicafs.replication.stream.StreamProtocolException;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one endpoint on a worker thread in blocking mode, adds the identity headers to every
 * response, and is the single place where exceptions become statuses: {@link ApiException} keeps
 * its status, an invalid name or malformed body is 400, an unknown database 404, anything else 500
 * with a one-line message. A failure after the response started only closes the connection.
 *
 * <p>With a cluster token, a request without {@code Authorization: Bearer <token>} or with another
 * token is refused with {@code 401} before the endpoint runs; the token is never echoed or logged,
 * and the refusal is logged through {@link RefusalLog} (WARN once per address per 5 minutes).
 */
final class Endpoint implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(Endpoint.class);
  private static final HttpString NODE_ID = new HttpString(NodeHeaders.NODE_ID);
  private static final HttpString CLUSTER_ID = new HttpString(NodeHeaders.CLUSTER_ID);

  /** The endpoint's own work. */
  @FunctionalInterface
  interface Body {
    void handle(HttpServerExchange exchange) throws Exception;
  }

  private final String nodeId;
  private final Store store;
  private final Optional<ClusterToken> token;
  private final RefusalLog refusals;
  private final Body body;

  Endpoint(
      String nodeId, Store store, Optional<ClusterToken> token, RefusalLog refusals, Body body) {
    this.nodeId = nodeId;
    this.store = store;
    this.token = token;
    this.refusals = refusals;
    this.body = body;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    if (exchange.isInIoThread()) {
      exchange.dispatch(this);
      return;
    }
    exchange.startBlocking();
    try {
      identify(exchange, nodeId, store);
      authenticate(exchange);
      body.handle(exchange);
    } catch (ApiException e) {
      fail(exchange, e.status(), e.getMessage());
    } catch (InvalidDatabaseNameException | StreamProtocolException e) {
      fail(exchange, 400, e.getMessage());
    } catch (NotFoundException e) {
      fail(exchange, 404, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail(exchange, 503, "node is shutting down");
    } catch (Exception e) {
      if (!exchange.isResponseStarted()) {
        log.warn("request failed: path={} reason={}", exchange.getRequestPath(), e.toString());
      } else {
        log.info("response aborted: path={} reason={}", exchange.getRequestPath(), e.toString());
      }
      fail(exchange, 500, "internal error: " + e.getMessage());
    } finally {
      exchange.endExchange();
    }
  }

  private void authenticate(HttpServerExchange exchange) throws ApiException {
    if (token.isEmpty()) {
      return;
    }
    String presented = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
    if (token.get().accepts(presented)) {
      return;
    }
    String kind = presented == null ? "missing" : "wrong";
    String reason = kind + " cluster token";
    refusals.refused(exchange.getRequestPath(), exchange.getSourceAddress(), kind);
    exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer realm=\"replicafs\"");
    throw new ApiException(
        401, reason + ": send Authorization: Bearer <http.token> with the cluster's token");
  }

  static void identify(HttpServerExchange exchange, String nodeId, Store store) throws IOException {
    exchange.getResponseHeaders().put(NODE_ID, nodeId);
    store.clusterId().ifPresent(id -> exchange.getResponseHeaders().put(CLUSTER_ID, id));
  }

  static void fail(HttpServerExchange exchange, int status, String message) {
    if (exchange.isResponseStarted()) {
      org.xnio.IoUtils.safeClose(exchange.getConnection());
      return;
    }
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
    byte[] bytes = (message + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      exchange.getOutputStream().write(bytes);
    } catch (IOException e) {
      org.xnio.IoUtils.safeClose(exchange.getConnection());
    }
  }
}

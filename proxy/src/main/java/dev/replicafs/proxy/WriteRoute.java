package dev.replicafs.proxy;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import io.undertow.util.StatusCodes;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes: wait up to {@code primary-redirect-timeout} for a known primary (503 if none); on the
 * primary, the local app plus the TXID token on the response; on a replica, forward to the
 * primary's proxy ({@code forward} mode) or answer {@code fly-replay} ({@code fly-replay} mode).
 *
 * <p>Loop prevention: a forwarded request carries {@code ReplicaFS-Forwarded: <primary hostname>}.
 * A node that is not primary never forwards such a request again; it waits up to {@code
 * primary-redirect-timeout} to become primary itself (the lease may be moving to it) and otherwise
 * answers 503. The header is removed before a request reaches an app.
 */
final class WriteRoute {

  static final HttpString FORWARDED = new HttpString("ReplicaFS-Forwarded");

  private final ProxyConfig config;
  private final ClusterView view;
  private final Clock clock;
  private final Forwarder forwarder;

  WriteRoute(ProxyConfig config, ClusterView view, Clock clock, Forwarder forwarder) {
    this.config = config;
    this.view = view;
    this.clock = clock;
    this.forwarder = forwarder;
  }

  void handle(HttpServerExchange exchange) throws Exception {
    if (exchange.getRequestHeaders().contains(FORWARDED)) {
      RequestLog.route(config.debug(), exchange, "forwarded write");
      AsyncWait.await(
          exchange,
          view.awaitLeadership(Leadership::isLocal),
          config.primaryRedirectTimeout(),
          local -> this::toLocalAppAsPrimary,
          ex ->
              PlainResponses.send(
                  ex,
                  StatusCodes.SERVICE_UNAVAILABLE,
                  "Proxy error: request was forwarded here as to the primary, but this node is not"
                      + " the primary; not forwarding it again"));
      return;
    }
    AsyncWait.await(
        exchange,
        view.awaitLeadership(Leadership::known),
        config.primaryRedirectTimeout(),
        this::writeTo,
        ex ->
            PlainResponses.send(
                ex,
                StatusCodes.SERVICE_UNAVAILABLE,
                "Proxy error: no primary available (none known within "
                    + config.primaryRedirectTimeout()
                    + ")"));
  }

  private HttpHandler writeTo(Leadership leadership) {
    if (leadership instanceof Leadership.Remote remote) {
      PrimaryInfo primary = remote.primary();
      if (config.mode() == ProxyMode.FLY_REPLAY) {
        return ex -> FlyReplay.answer(ex, primary);
      }
      return ex -> toPrimary(ex, primary);
    }
    return this::toLocalAppAsPrimary;
  }

  /**
   * Forwards a write to the primary's proxy. The route is re-read on every connection attempt: if
   * the primary moved, the write follows it; if this node became primary meanwhile, it is served by
   * the local app and stamped with the TXID token like any local write.
   */
  private void toPrimary(HttpServerExchange exchange, PrimaryInfo primary) throws Exception {
    RequestLog.route(config.debug(), exchange, "write forward primary=" + primary.hostname());
    AtomicBoolean servedLocally = new AtomicBoolean();
    TxidToken.stampOnCommit(
        exchange, view, config.db(), clock, config.cookieExpiry(), servedLocally::get);
    exchange.getRequestHeaders().put(FORWARDED, primary.hostname());
    forwarder.toUpstream(
        exchange,
        () -> {
          Leadership now = view.leadership();
          if (now instanceof Leadership.Remote remote) {
            return remote.primary().proxyUrl();
          }
          if (now.isLocal()) {
            servedLocally.set(true);
            exchange.getRequestHeaders().remove(FORWARDED);
            return forwarder.target();
          }
          return primary.proxyUrl();
        });
  }

  private void toLocalAppAsPrimary(HttpServerExchange exchange) throws Exception {
    RequestLog.route(config.debug(), exchange, "write local");
    TxidToken.stampOnCommit(exchange, view, config.db(), clock, config.cookieExpiry(), () -> true);
    forwarder.toLocalApp(exchange);
  }
}

package dev.replicafs.proxy;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each request, in LiteFS's order:
 *
 * <ol>
 *   <li>path matches {@code passthrough}: straight to the local app, no cookie logic;
 *   <li>{@code GET /litefs/health} or {@code /replicafs/health}: {@link HealthCheck};
 *   <li>read ({@code GET}/{@code HEAD} not matching {@code always-forward}): if it carries a TXID
 *       token, wait (without a thread) until the local TXID reaches it, then the local app; 504
 *       after {@code txid-wait-timeout};
 *   <li>anything else is a write: wait up to {@code primary-redirect-timeout} for a known primary
 *       (503 if none); on the primary, the local app plus the TXID token on the response; on a
 *       replica, forward to the primary's proxy (or answer {@code fly-replay}).
 * </ol>
 *
 * <p>Loop prevention: a forwarded request carries {@code ReplicaFS-Forwarded}. A node that is not
 * primary never forwards such a request again; it waits up to {@code primary-redirect-timeout} to
 * become primary itself (the lease may be moving to it) and otherwise answers 503.
 */
final class ProxyRouter implements HttpHandler {

  static final HttpString FORWARDED = new HttpString("ReplicaFS-Forwarded");
  private static final Logger LOG = LoggerFactory.getLogger(ProxyRouter.class);

  private final ProxyConfig config;
  private final ClusterView view;
  private final Clock clock;
  private final HttpHandler upstream;
  private final URI target;
  private final List<PathPattern> passthrough;
  private final List<PathPattern> alwaysForward;
  private final HealthCheck health;

  ProxyRouter(ProxyConfig config, ClusterView view, Clock clock, HttpHandler upstream) {
    this.config = config;
    this.view = view;
    this.clock = clock;
    this.upstream = upstream;
    this.target = HostPort.targetUri(config.target());
    this.passthrough = PathPattern.compileAll(config.passthrough());
    this.alwaysForward = PathPattern.compileAll(config.alwaysForward());
    this.health = new HealthCheck(view, config.maxLag());
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    String path = exchange.getRequestPath();
    HttpString method = exchange.getRequestMethod();
    if (PathPattern.anyMatches(passthrough, path)) {
      log(exchange, "passthrough");
      toLocalApp(exchange);
    } else if (Methods.GET.equals(method) && HealthCheck.PATHS.contains(path)) {
      health.handleRequest(exchange);
    } else if ((Methods.GET.equals(method) || Methods.HEAD.equals(method))
        && !PathPattern.anyMatches(alwaysForward, path)) {
      read(exchange);
    } else {
      write(exchange);
    }
  }

  private void read(HttpServerExchange exchange) throws Exception {
    OptionalLong wanted = TxidToken.requested(exchange);
    if (wanted.isEmpty()) {
      log(exchange, "read");
      toLocalApp(exchange);
      return;
    }
    long txid = wanted.getAsLong();
    log(exchange, "read txid=" + TxidToken.format(txid));
    AsyncWait.await(
        exchange,
        view.awaitTxid(config.db(), txid),
        config.txidWaitTimeout(),
        reached -> this::toLocalApp,
        ex ->
            PlainResponses.send(
                ex,
                StatusCodes.GATEWAY_TIME_OUT,
                "Proxy timeout: this node has not applied txid "
                    + TxidToken.format(txid)
                    + " of database "
                    + config.db()
                    + " within "
                    + config.txidWaitTimeout()));
  }

  private void write(HttpServerExchange exchange) throws Exception {
    if (exchange.getRequestHeaders().contains(FORWARDED)) {
      log(exchange, "forwarded write");
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
    log(exchange, "write forward primary=" + primary.hostname());
    AtomicBoolean servedLocally = new AtomicBoolean();
    TxidToken.stampOnCommit(
        exchange, view, config.db(), clock, config.cookieExpiry(), servedLocally::get);
    exchange.getRequestHeaders().put(FORWARDED, primary.hostname());
    exchange.putAttachment(
        UpstreamClient.ROUTE,
        () -> {
          Leadership now = view.leadership();
          if (now instanceof Leadership.Remote remote) {
            return remote.primary().proxyUrl();
          }
          if (now.isLocal()) {
            servedLocally.set(true);
            exchange.getRequestHeaders().remove(FORWARDED);
            return target;
          }
          return primary.proxyUrl();
        });
    proxy(exchange);
  }

  private void toLocalAppAsPrimary(HttpServerExchange exchange) throws Exception {
    log(exchange, "write local");
    TxidToken.stampOnCommit(exchange, view, config.db(), clock, config.cookieExpiry(), () -> true);
    toLocalApp(exchange);
  }

  private void toLocalApp(HttpServerExchange exchange) throws Exception {
    exchange.getRequestHeaders().remove(FORWARDED);
    exchange.putAttachment(UpstreamClient.ROUTE, () -> target);
    proxy(exchange);
  }

  private void proxy(HttpServerExchange exchange) throws Exception {
    HopByHopHeaders.stripRequest(exchange);
    exchange.addResponseCommitListener(HopByHopHeaders::stripResponse);
    upstream.handleRequest(exchange);
  }

  private void log(HttpServerExchange exchange, String route) {
    if (config.debug()) {
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

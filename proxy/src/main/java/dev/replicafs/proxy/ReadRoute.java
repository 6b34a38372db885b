package dev.replicafs.proxy;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.StatusCodes;
import java.util.OptionalLong;

/**
 * Reads are served by the local app. A read carrying a TXID token ({@link TxidToken}) first waits,
 * without holding a thread, until the local TXID of {@code proxy.db} reaches it; after {@code
 * txid-wait-timeout} it gets 504. Without a token it is served at once.
 */
final class ReadRoute {

  private final ProxyConfig config;
  private final ClusterView view;
  private final Forwarder forwarder;

  ReadRoute(ProxyConfig config, ClusterView view, Forwarder forwarder) {
    this.config = config;
    this.view = view;
    this.forwarder = forwarder;
  }

  void handle(HttpServerExchange exchange) throws Exception {
    OptionalLong wanted = TxidToken.requested(exchange);
    if (wanted.isEmpty()) {
      RequestLog.route(config.debug(), exchange, "read");
      forwarder.toLocalApp(exchange);
      return;
    }
    long txid = wanted.getAsLong();
    RequestLog.route(config.debug(), exchange, "read txid=" + TxidToken.format(txid));
    AsyncWait.await(
        exchange,
        view.awaitTxid(config.db(), txid),
        config.txidWaitTimeout(),
        reached -> forwarder::toLocalApp,
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
}

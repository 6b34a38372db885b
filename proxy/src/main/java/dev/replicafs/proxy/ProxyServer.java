package dev.replicafs.proxy;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.ResponseCodeHandler;
import io.undertow.server.handlers.proxy.ProxyHandler;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.Option;
import org.xnio.Options;

/**
 * The running proxy: an Undertow server bound to {@code proxy.addr} whose root handler is the
 * {@link ProxyRouter}, forwarding through Undertow's {@link ProxyHandler} (streamed bodies both
 * ways, HTTP upgrade for WebSockets, trailers, {@code X-Forwarded-*}) over {@link UpstreamClient}.
 *
 * <p>LiteFS's four Go server timeouts map to Undertow as: {@code read-timeout} → XNIO {@code
 * READ_TIMEOUT}, {@code read-header-timeout} → {@code REQUEST_PARSE_TIMEOUT}, {@code write-timeout}
 * → XNIO {@code WRITE_TIMEOUT}, {@code idle-timeout} → {@code NO_REQUEST_TIMEOUT} (a keep-alive
 * connection with no request in flight); zero leaves a limit off. Threads are named {@code
 * replicafs-proxy I/O-n} and {@code replicafs-proxy task-n}. Closing is idempotent.
 */
public final class ProxyServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);
  private static final int SHUTDOWN_TIMEOUT_MILLIS = 5_000;

  private final Undertow undertow;
  private final UpstreamClient client;
  private final InetSocketAddress address;
  private boolean closed;

  private ProxyServer(Undertow undertow, UpstreamClient client) {
    this.undertow = undertow;
    this.client = client;
    this.address = (InetSocketAddress) undertow.getListenerInfo().get(0).getAddress();
  }

  /** Binds {@code config.addr()} and starts serving with the system clock. */
  public static ProxyServer start(ProxyConfig config, ClusterView view) {
    return start(config, view, Clock.systemUTC());
  }

  /**
   * Binds {@code config.addr()} and starts serving.
   *
   * @param clock source of the {@code __txid} cookie's expiry time
   * @throws IllegalStateException if the address cannot be bound
   */
  public static ProxyServer start(ProxyConfig config, ClusterView view, Clock clock) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(view, "view");
    Objects.requireNonNull(clock, "clock");
    HostPort bind = HostPort.parse(config.addr(), "proxy.addr");
    UpstreamClient client =
        new UpstreamClient(config.connectRetryTimeout(), config.connectRetryInterval());
    HttpHandler upstream =
        ProxyHandler.builder()
            .setProxyClient(client)
            .setReuseXForwarded(true)
            .setRewriteHostHeader(false)
            .setNext(ResponseCodeHandler.HANDLE_404)
            .build();
    Undertow.Builder builder =
        Undertow.builder()
            .addHttpListener(bind.port(), bind.host())
            .setHandler(new ProxyRouter(config, view, clock, upstream))
            .setWorkerOption(Options.WORKER_NAME, "replicafs-proxy")
            .setServerOption(UndertowOptions.ALWAYS_SET_KEEP_ALIVE, false)
            .setServerOption(UndertowOptions.SHUTDOWN_TIMEOUT, SHUTDOWN_TIMEOUT_MILLIS);
    setMillis(builder, UndertowOptions.REQUEST_PARSE_TIMEOUT, config.readHeaderTimeout(), true);
    setMillis(builder, UndertowOptions.NO_REQUEST_TIMEOUT, config.idleTimeout(), true);
    setMillis(builder, Options.READ_TIMEOUT, config.readTimeout(), false);
    setMillis(builder, Options.WRITE_TIMEOUT, config.writeTimeout(), false);
    Undertow undertow = builder.build();
    try {
      undertow.start();
    } catch (RuntimeException e) {
      client.close();
      throw new IllegalStateException(
          "cannot start proxy on proxy.addr=" + config.addr() + ": " + e.getMessage(), e);
    }
    ProxyServer server = new ProxyServer(undertow, client);
    LOG.info(
        "proxy started addr={} target={} db={} mode={}",
        server.address,
        config.target(),
        config.db(),
        config.mode().configName());
    return server;
  }

  /** The address actually bound (the real port when {@code proxy.addr} asked for port 0). */
  public InetSocketAddress address() {
    return address;
  }

  /** The port actually bound. */
  public int port() {
    return address.getPort();
  }

  /**
   * Failed connection attempts to the app or the primary's proxy since start, retries included (a
   * number for metrics: it grows while the app boots or an upstream is down).
   */
  public long failedConnectAttempts() {
    return client.failedConnects();
  }

  /**
   * Stops accepting, closes upstream pools, and waits up to 5 s for the I/O threads to finish
   * before forcing them down. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    client.close();
    undertow.stop();
    LOG.info("proxy stopped addr={}", address);
  }

  private static void setMillis(
      Undertow.Builder builder, Option<Integer> option, Duration value, boolean server) {
    if (value.isZero()) {
      return;
    }
    int millis = (int) Math.min(Integer.MAX_VALUE, value.toMillis());
    if (server) {
      builder.setServerOption(option, millis);
    } else {
      builder.setSocketOption(option, millis);
    }
  }
}

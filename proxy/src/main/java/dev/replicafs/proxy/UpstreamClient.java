package dev.replicafs.proxy;

import io.undertow.client.UndertowClient;
import io.undertow.server.Connectors;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.proxy.ConnectionPoolManager;
import io.undertow.server.handlers.proxy.ProxyCallback;
import io.undertow.server.handlers.proxy.ProxyClient;
import io.undertow.server.handlers.proxy.ProxyConnection;
import io.undertow.server.handlers.proxy.ProxyConnectionPool;
import io.undertow.util.AttachmentKey;
import io.undertow.util.StatusCodes;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.OptionMap;

/**
 * The {@link ProxyClient} behind Undertow's {@code ProxyHandler}: picks the upstream for each
 * exchange from the {@link #ROUTE} attachment (the local app, or the primary's proxy), keeps a
 * keep-alive connection pool per upstream origin, and retries a refused connection every {@code
 * connect-retry-interval} until {@code connect-retry-timeout} (LiteFS: every 100 ms up to 30 s, so
 * requests wait while the app boots) before answering 502. The route is re-read on each retry, so a
 * forwarded write follows a primary that moved while it waited.
 */
final class UpstreamClient implements ProxyClient, AutoCloseable {

  /** Where to send this exchange; re-evaluated on every connection attempt. */
  static final AttachmentKey<Supplier<URI>> ROUTE = AttachmentKey.create(Supplier.class);

  private static final Logger LOG = LoggerFactory.getLogger(UpstreamClient.class);
  private static final ProxyTarget TARGET = new ProxyTarget() {};
  private static final PoolLimits LIMITS = new PoolLimits();

  private final Map<URI, ProxyConnectionPool> pools = new ConcurrentHashMap<>();
  private final Duration retryTimeout;
  private final Duration retryInterval;
  private final AtomicLong failedConnects = new AtomicLong();
  private volatile boolean closed;

  UpstreamClient(Duration retryTimeout, Duration retryInterval) {
    this.retryTimeout = retryTimeout;
    this.retryInterval = retryInterval;
  }

  @Override
  public ProxyTarget findTarget(HttpServerExchange exchange) {
    return exchange.getAttachment(ROUTE) == null ? null : TARGET;
  }

  @Override
  public void getConnection(
      ProxyTarget target,
      HttpServerExchange exchange,
      ProxyCallback<ProxyConnection> callback,
      long timeout,
      TimeUnit timeUnit) {
    long deadline = System.nanoTime() + retryTimeout.toNanos();
    new Attempt(exchange, callback, deadline).run();
  }

  @Override
  public List<ProxyTarget> getAllTargets() {
    return List.of();
  }

  /** Connection attempts to an upstream that failed since start (each retry counts). */
  long failedConnects() {
    return failedConnects.get();
  }

  @Override
  public void close() {
    closed = true;
    pools.values().forEach(ProxyConnectionPool::close);
    pools.clear();
  }

  private ProxyConnectionPool pool(URI origin) {
    return pools.computeIfAbsent(
        origin,
        o -> new ProxyConnectionPool(LIMITS, o, UndertowClient.getInstance(), OptionMap.EMPTY));
  }

  /** One request's connection attempts; runs on the exchange's I/O thread. */
  private final class Attempt implements Runnable, ProxyCallback<ProxyConnection> {
    private final HttpServerExchange exchange;
    private final ProxyCallback<ProxyConnection> callback;
    private final long deadline;
    private URI origin;
    private int attempts;

    Attempt(HttpServerExchange exchange, ProxyCallback<ProxyConnection> callback, long deadline) {
      this.exchange = exchange;
      this.callback = callback;
      this.deadline = deadline;
    }

    @Override
    public void run() {
      if (closed || !exchange.getConnection().isOpen()) {
        IoUtils.safeClose(exchange.getConnection());
        return;
      }
      attempts++;
      origin = HostPort.originOf(exchange.getAttachment(ROUTE).get());
      pool(origin).connect(TARGET, exchange, this, -1, TimeUnit.MILLISECONDS, false);
    }

    @Override
    public void completed(HttpServerExchange ex, ProxyConnection connection) {
      if (attempts > 1) {
        LOG.debug("upstream reachable upstream={} attempts={}", origin, attempts);
      }
      callback.completed(ex, connection);
    }

    @Override
    public void failed(HttpServerExchange ex) {
      failedConnects.incrementAndGet();
      long now = System.nanoTime();
      if (now - deadline < 0 && !closed) {
        if (attempts == 1) {
          LOG.debug("upstream not reachable, retrying upstream={} for={}", origin, retryTimeout);
        }
        long delay = Math.min(retryInterval.toNanos(), deadline - now);
        ex.getIoThread().executeAfter(this, delay, TimeUnit.NANOSECONDS);
        return;
      }
      LOG.warn("upstream unreachable upstream={} attempts={}", origin, attempts);
      Connectors.executeRootHandler(
          e ->
              PlainResponses.send(
                  e,
                  StatusCodes.BAD_GATEWAY,
                  "Proxy error: cannot connect to "
                      + origin
                      + " (retried for "
                      + retryTimeout
                      + "; check that the app or the primary's proxy is running)"),
          ex);
    }

    @Override
    public void queuedRequestFailed(HttpServerExchange ex) {
      failed(ex);
    }

    @Override
    public void couldNotResolveBackend(HttpServerExchange ex) {
      failed(ex);
    }
  }

  /**
   * Pool sizes per I/O thread, and an error policy that never marks an upstream as down: the proxy
   * has exactly one upstream per route, so it keeps retrying instead of failing fast.
   */
  private static final class PoolLimits implements ConnectionPoolManager {
    @Override
    public boolean isAvailable() {
      return true;
    }

    @Override
    public boolean handleError() {
      return true;
    }

    @Override
    public boolean clearError() {
      return true;
    }

    @Override
    public int getProblemServerRetry() {
      return 1;
    }

    @Override
    public int getMaxConnections() {
      return 512;
    }

    @Override
    public int getMaxCachedConnections() {
      return 64;
    }

    @Override
    public int getSMaxConnections() {
      return 64;
    }

    @Override
    public long getTtl() {
      return -1;
    }

    @Override
    public int getMaxQueueSize() {
      return 1024;
    }
  }
}

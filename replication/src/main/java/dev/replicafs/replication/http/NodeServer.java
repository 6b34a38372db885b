package dev.replicafs.replication.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.replicafs.lease.PrimaryInfo;
import dev.replicafs.replication.primary.ChangeFeed;
import dev.replicafs.replication.primary.StreamHub;
import dev.replicafs.replication.store.Store;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.xnio.SslClientAuthMode;

/**
 * The node API server (Undertow, HTTP/1.1) on {@code http.addr}: {@code /info}, {@code /stream},
 * {@code /stream/ack}, {@code /export}, {@code /import}, {@code /events}, {@code /metrics}, {@code
 * /handoff}, {@code /promote} (docs/PROTOCOL.md). Every response carries the node and cluster ID
 * headers; errors are one plain line with the status that fits (see {@link Endpoint}). Long-lived
 * responses (streams, events) each hold one worker thread, so the worker pool is sized for them.
 *
 * <p>Closing ends every replica stream with END and every event feed, then stops the server;
 * idempotent.
 */
public final class NodeServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int WORKER_THREADS = 64;

  /**
   * @param host the address to bind ({@code http.addr}'s host; empty = all)
   * @param port the port ({@code http.addr}'s port; 0 = any free port, for tests)
   * @param nodeId this node's ID
   * @param candidate whether this node may become primary ({@code lease.candidate})
   * @param heartbeat the stream heartbeat interval (1 s)
   * @param security the cluster token and TLS ({@link NodeSecurity#NONE}: open, plain HTTP)
   */
  public record Options(
      String host,
      int port,
      long nodeId,
      boolean candidate,
      Duration heartbeat,
      NodeSecurity security) {
    public Options {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(security, "security");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("http.addr port must be 0..65535: " + port);
      }
      if (heartbeat.isNegative() || heartbeat.isZero()) {
        throw new IllegalArgumentException("heartbeat must be positive: " + heartbeat);
      }
    }

    /** Options without a token or TLS. */
    public Options(String host, int port, long nodeId, boolean candidate, Duration heartbeat) {
      this(host, port, nodeId, candidate, heartbeat, NodeSecurity.NONE);
    }

    /** These options with {@code security}. */
    public Options withSecurity(NodeSecurity security) {
      return new Options(host, port, nodeId, candidate, heartbeat, security);
    }

    /** Loopback on a free port with a one-second heartbeat. */
    public static Options loopback(long nodeId) {
      return new Options("127.0.0.1", 0, nodeId, true, Duration.ofSeconds(1));
    }
  }

  private final Options options;
  private final Store store;
  private final RoleView role;
  private final String nodeId;
  private final ChangeFeed feed;
  private final StreamHub hub;
  private volatile RoleControl control;
  private final EventHub events = new EventHub();
  private final NodeMetrics metrics;
  private final RefusalLog refusals;
  private final Undertow server;
  private final dev.replicafs.replication.halt.HaltTable halts;
  private boolean closed;

  /** Builds and starts the server. */
  public NodeServer(Options options, Store store, RoleView role, Clock clock) {
    this.options = options;
    this.store = store;
    this.role = role;
    this.nodeId = NodeHeaders.nodeId(options.nodeId());
    this.feed = new ChangeFeed(store);
    this.hub = new StreamHub(store);
    RoleEndpoints roles = new RoleEndpoints(() -> control);
    this.metrics = new NodeMetrics(store, feed, role);
    this.refusals = new RefusalLog(clock).register(metrics.registry());
    store.addListener(events);
    store.addListener(metrics);
    this.halts = new dev.replicafs.replication.halt.HaltTable(store, clock);
    HaltEndpoint halt = new HaltEndpoint(store, halts, nodeId);
    RoutingHandler routes =
        Handlers.routing()
            .get("/info", openEndpoint(this::info))
            .post(
                "/stream",
                endpoint(
                    new StreamEndpoint(
                        store, feed, hub, metrics, nodeId, clock, options.heartbeat())))
            .post("/stream/ack", endpoint(new AckEndpoint(hub)))
            .post("/handoff", endpoint(roles::handoff))
            .post("/promote", endpoint(roles::promote))
            .get("/export", endpoint(new ExportEndpoint(store)))
            .post("/import", endpoint(new ImportEndpoint(store, clock)))
            .get("/events", endpoint(this::events))
            .get("/metrics", openEndpoint(this::metrics))
            .post("/halt", endpoint(halt::acquire))
            .delete("/halt", endpoint(halt::release))
            .post("/tx", endpoint(halt::commit))
            .setFallbackHandler(
                endpoint(
                    ex -> {
                      throw new ApiException(404, "no such endpoint: " + ex.getRequestPath());
                    }))
            .setInvalidMethodHandler(
                endpoint(
                    ex -> {
                      throw new ApiException(
                          405,
                          "method "
                              + ex.getRequestMethod()
                              + " not allowed on "
                              + ex.getRequestPath());
                    }));
    this.server =
        ServerLimits.apply(listener(Undertow.builder()))
            .setWorkerThreads(WORKER_THREADS)
            .setServerOption(UndertowOptions.ENABLE_HTTP2, false)
            .setHandler(routes)
            .build();
    server.start();
  }

  /** The halts this node granted while primary ({@code halt.ttl} is set on it). */
  public dev.replicafs.replication.halt.HaltTable halts() {
    return halts;
  }

  /** The bound port. */
  public int port() {
    return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
  }

  /** The URL of this node's API on loopback (for tests and local tools). */
  public URI url() {
    String host = options.host().isEmpty() ? "127.0.0.1" : options.host();
    return URI.create(options.security().scheme() + "://" + host + ":" + port());
  }

  /** The {@code /events} feed, for role changes. */
  public EventHub events() {
    return events;
  }

  /**
   * The stream side the role machine drives ({@link
   * dev.replicafs.replication.role.PrimaryStreams}).
   */
  public StreamHub streams() {
    return hub;
  }

  /** Connects {@code POST /handoff} and {@code POST /promote} to a role machine. */
  public void roleControl(RoleControl control) {
    this.control = control;
  }

  /** The {@code /metrics} registry, for components that add their own metrics. */
  public io.prometheus.metrics.model.registry.PrometheusRegistry metricsRegistry() {
    return metrics.registry();
  }

  /** The change feed replica streams subscribe to. */
  public ChangeFeed feed() {
    return feed;
  }

  /** An endpoint that requires the cluster token when one is configured. */
  private Endpoint endpoint(Endpoint.Body body) {
    return new Endpoint(nodeId, store, options.security().token(), refusals, body);
  }

  /** An endpoint anyone may call ({@code /info}, {@code /metrics}). */
  private Endpoint openEndpoint(Endpoint.Body body) {
    return new Endpoint(nodeId, store, Optional.empty(), refusals, body);
  }

  private Undertow.Builder listener(Undertow.Builder builder) {
    String host = options.host().isEmpty() ? "0.0.0.0" : options.host();
    Optional<NodeTls> tls = options.security().tls();
    if (tls.isEmpty()) {
      return builder.addHttpListener(options.port(), host);
    }
    builder.addHttpsListener(options.port(), host, tls.get().serverContext());
    if (tls.get().requireClientCert()) {
      builder.setSocketOption(org.xnio.Options.SSL_CLIENT_AUTH_MODE, SslClientAuthMode.REQUIRED);
    }
    return builder;
  }

  private void info(HttpServerExchange exchange) throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.put("nodeID", nodeId);
    n.put("clusterID", store.clusterId().orElse(""));
    n.put("isPrimary", role.isPrimary());
    n.put("candidate", options.candidate());
    Optional<PrimaryInfo> primary = role.primary();
    if (primary.isPresent()) {
      ObjectNode p = n.putObject("primary");
      p.put("hostname", primary.get().hostname());
      p.put("advertiseURL", primary.get().advertiseUrl());
    }
    ObjectNode positions = n.putObject("positions");
    for (dev.replicafs.replication.store.Db db : store.dbs()) {
      dev.replicafs.replication.ltx.Pos pos = db.pos();
      ObjectNode p = positions.putObject(db.name());
      p.put("txid", String.format("%016x", pos.txid()));
      p.put("checksum", String.format("%016x", pos.postApplyChecksum()));
    }
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    exchange.getOutputStream().write((n.toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private void events(HttpServerExchange exchange) throws Exception {
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    String host = role.primary().map(PrimaryInfo::hostname).orElse("");
    try (EventHub.Subscription sub = events.subscribe(role.isPrimary(), host)) {
      OutputStream out = exchange.getOutputStream();
      while (true) {
        String line = sub.next(options.heartbeat().toMillis());
        if (line != null) {
          out.write(line.getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
      }
    } catch (EventHub.EndedException e) {
      if (e.overflowed) {
        org.xnio.IoUtils.safeClose(exchange.getConnection());
      }
    }
  }

  private void metrics(HttpServerExchange exchange) throws IOException {
    exchange
        .getResponseHeaders()
        .put(Headers.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
    metrics.write(exchange.getOutputStream());
  }

  /** Ends streams and event feeds, then stops the server; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    halts.close();
    feed.close();
    events.close();
    store.removeListener(events);
    store.removeListener(metrics);
    server.stop();
  }
}

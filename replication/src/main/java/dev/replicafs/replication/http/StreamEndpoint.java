package dev.replicafs.replication.http;

import dev.replicafs.lease.ClusterId;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.primary.ChangeFeed;
import dev.replicafs.replication.primary.DirtySet;
import dev.replicafs.replication.primary.ReplicaSession;
import dev.replicafs.replication.primary.StreamHub;
import dev.replicafs.replication.primary.StreamSender;
import dev.replicafs.replication.store.Store;
import dev.replicafs.replication.stream.PositionMap;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /stream}: checks the caller (this node is primary, same cluster, not itself), decodes
 * the position map and filter, and runs a {@link StreamSender} on this worker thread until the
 * stream ends. A primary without a cluster ID creates one here, as LiteFS does on becoming primary.
 */
final class StreamEndpoint implements Endpoint.Body {
  private static final Logger log = LoggerFactory.getLogger(StreamEndpoint.class);

  private final Store store;
  private final ChangeFeed feed;
  private final StreamHub hub;
  private final NodeMetrics metrics;
  private final String nodeId;
  private final Clock clock;
  private final Duration heartbeat;
  private final Object clusterLock = new Object();

  StreamEndpoint(
      Store store,
      ChangeFeed feed,
      StreamHub hub,
      NodeMetrics metrics,
      String nodeId,
      Clock clock,
      Duration heartbeat) {
    this.store = store;
    this.feed = feed;
    this.hub = hub;
    this.metrics = metrics;
    this.nodeId = nodeId;
    this.clock = clock;
    this.heartbeat = heartbeat;
  }

  @Override
  public void handle(HttpServerExchange exchange) throws Exception {
    if (!hub.serving()) {
      throw new ApiException(503, "this node is not the primary; stream from the primary instead");
    }
    String peer = exchange.getRequestHeaders().getFirst(NodeHeaders.NODE_ID);
    if (peer != null && !peer.matches("[0-9A-F]{16}")) {
      throw ApiException.badRequest(
          "malformed " + NodeHeaders.NODE_ID + " header: expected 16 uppercase hex digits");
    }
    String theirs = exchange.getRequestHeaders().getFirst(NodeHeaders.CLUSTER_ID);
    if (theirs != null) {
      try {
        new ClusterId(theirs);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(
            "malformed " + NodeHeaders.CLUSTER_ID + " header: " + e.getMessage());
      }
    }
    if (nodeId.equals(peer)) {
      throw ApiException.badRequest("cannot stream from self (node " + nodeId + ")");
    }
    String cluster = ensureClusterId();
    if (theirs != null && !theirs.equals(cluster)) {
      throw new ApiException(
          409,
          "cluster ID mismatch: this primary belongs to cluster "
              + cluster
              + " but the replica's data directory belongs to cluster "
              + theirs);
    }
    Optional<String> advertise = advertiseUrl(exchange);
    Set<String> filter = Params.filter(exchange);
    PositionMap map = PositionMap.decode(exchange.getInputStream());
    for (String db : map.positions().keySet()) {
      Params.validName(db);
    }
    Map<String, Pos> positions = map.positions();
    Endpoint.identify(exchange, nodeId, store);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, NodeHeaders.STREAM_TYPE);
    String who = peer == null ? "?" : peer;
    log.info("replica connected: peer={} dbs={} filter={}", who, positions.size(), filter);
    metrics.streamOpened();
    Predicate<String> wanted = db -> filter.isEmpty() || filter.contains(db);
    ReplicaSession session = null;
    try (DirtySet dirty = feed.subscribe()) {
      boolean candidate =
          !"false".equals(exchange.getRequestHeaders().getFirst(NodeHeaders.CANDIDATE));
      session =
          hub.open(
              peer == null ? 0 : Long.parseUnsignedLong(peer, 16),
              candidate,
              advertise,
              wanted,
              dirty);
      exchange.getResponseHeaders().put(new HttpString(NodeHeaders.STREAM_ID), session.id());
      java.time.Duration ackDelay = hub.ackDelay();
      if (!ackDelay.isZero()) {
        exchange
            .getResponseHeaders()
            .put(new HttpString(NodeHeaders.ACK_DELAY), String.valueOf(ackDelay.toMillis()));
      }
      OutputStream out = exchange.getOutputStream();
      new StreamSender(
              store,
              dirty,
              positions,
              wanted,
              out,
              clock,
              heartbeat,
              hub::serving,
              metrics,
              who,
              session)
          .run();
      log.info("stream ended: peer={}", who);
    } catch (IOException e) {
      log.info("stream to replica broke: peer={} reason={}", who, e.toString());
      org.xnio.IoUtils.safeClose(exchange.getConnection());
    } finally {
      if (session != null) {
        hub.closed(session);
      }
      metrics.streamClosed();
    }
  }

  /** The optional {@code ReplicaFS-Advertise-Url}: an absolute http(s) URL of at most 512 bytes. */
  private static Optional<String> advertiseUrl(HttpServerExchange exchange) throws ApiException {
    String url = exchange.getRequestHeaders().getFirst(NodeHeaders.ADVERTISE_URL);
    if (url == null) {
      return Optional.empty();
    }
    try {
      java.net.URI u = new java.net.URI(url);
      if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
          || u.getHost() == null
          || url.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
              > dev.replicafs.replication.stream.StreamFrame.Peer.MAX_URL) {
        throw new java.net.URISyntaxException(url, "not an absolute http(s) URL of <= 512 bytes");
      }
    } catch (java.net.URISyntaxException e) {
      throw ApiException.badRequest(
          "malformed "
              + NodeHeaders.ADVERTISE_URL
              + " header: "
              + e.getReason()
              + " (check lease.advertise-url)");
    }
    return Optional.of(url);
  }

  private String ensureClusterId() throws IOException {
    synchronized (clusterLock) {
      Optional<String> id = store.clusterId();
      if (id.isPresent()) {
        return id.get();
      }
      String created = ClusterId.generate(new SecureRandom()).value();
      store.setClusterId(created);
      log.info("primary created a cluster id: cluster={}", created);
      return created;
    }
  }
}

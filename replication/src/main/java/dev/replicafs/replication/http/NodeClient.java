package dev.replicafs.replication.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.replicafs.replication.stream.PositionMap;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;

/**
 * The node API client (JDK {@link HttpClient}, HTTP/1.1). Every request carries this node's ID and,
 * when known, its cluster ID; every error status becomes a {@link NodeApiException} carrying the
 * peer's message. With a {@link NodeSecurity} it sends the cluster token on every request and
 * connects over TLS (trusting the configured CA, presenting the node's certificate).
 */
public final class NodeClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final URI base;
  private final String nodeId;
  private final Optional<ClusterToken> token;
  private final HttpClient http;
  private final Optional<Boolean> candidate;
  private final Optional<String> advertiseUrl;
  private final Optional<javax.net.ssl.SSLContext> tls;

  /**
   * A client without token or TLS.
   *
   * @param base the peer's node API URL, e.g. {@code http://node-a:20202}
   * @param nodeId this node's ID
   */
  public NodeClient(URI base, long nodeId) {
    this(base, nodeId, NodeSecurity.NONE, Optional.empty());
  }

  /**
   * @param candidate this node's {@code lease.candidate}, sent on {@code POST /stream} so a primary
   *     never hands its lease to a node that cannot take it
   */
  public NodeClient(URI base, long nodeId, Optional<Boolean> candidate) {
    this(base, nodeId, NodeSecurity.NONE, candidate);
  }

  /**
   * @param base the peer's node API URL ({@code https://} when the cluster uses TLS)
   * @param nodeId this node's ID
   * @param security the cluster token to send and the TLS material to connect with
   */
  public NodeClient(URI base, long nodeId, NodeSecurity security) {
    this(base, nodeId, security, Optional.empty());
  }

  /**
   * @param security the cluster token to send and the TLS material to connect with
   * @param candidate this node's {@code lease.candidate}, sent on {@code POST /stream}
   */
  public NodeClient(URI base, long nodeId, NodeSecurity security, Optional<Boolean> candidate) {
    this(base, nodeId, security, candidate, Optional.empty());
  }

  /**
   * @param advertiseUrl this node's node API URL, sent on {@code POST /stream} to ask for PEERS
   *     frames (synchronous replication's election step, docs/SYNC.md)
   */
  public NodeClient(
      URI base,
      long nodeId,
      NodeSecurity security,
      Optional<Boolean> candidate,
      Optional<String> advertiseUrl) {
    this.candidate = candidate;
    this.advertiseUrl = advertiseUrl;
    String s = base.toString();
    this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    this.nodeId = NodeHeaders.nodeId(nodeId);
    this.token = security.token();
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT);
    this.tls = security.tls().map(t -> t.clientContext());
    tls.ifPresent(b::sslContext);
    this.http = b.build();
  }

  /** The peer's URL. */
  public URI base() {
    return base;
  }

  /**
   * An open replication stream: its body, the primary's identity headers, and the stream ID for
   * {@code POST /stream/ack} (empty from a primary that does not send one).
   */
  public record StreamResponse(
      InputStream body,
      Optional<String> clusterId,
      String nodeId,
      Optional<String> streamId,
      java.time.Duration ackDelay) {}

  /** The most {@code ReplicaFS-Ack-Delay} a replica honours; a larger value is cut to it. */
  static final java.time.Duration MAX_ACK_DELAY = java.time.Duration.ofSeconds(1);

  /**
   * Posts the position map to {@code /stream}.
   *
   * @param filter the databases wanted; empty = all
   */
  public StreamResponse openStream(
      PositionMap positions, Set<String> filter, Optional<String> clusterId)
      throws IOException, InterruptedException {
    String query =
        filter.isEmpty() ? "" : "?filter=" + encode(String.join(",", new TreeSet<>(filter)));
    // A blocking socket instead of the HttpClient: the body is read by the replica's read-ahead
    // thread itself, without two hand-offs per LTX file (StreamConnection).
    java.util.Map<String, String> headers = identity(clusterId);
    headers.put("Content-Type", NodeHeaders.POSITION_MAP_TYPE);
    candidate.ifPresent(c -> headers.put(NodeHeaders.CANDIDATE, c.toString()));
    advertiseUrl.ifPresent(u -> headers.put(NodeHeaders.ADVERTISE_URL, u));
    StreamConnection.Response res =
        StreamConnection.post(
            URI.create(base + "/stream" + query),
            tls,
            headers,
            positions.encode(),
            CONNECT_TIMEOUT);
    return new StreamResponse(
        res.body(),
        res.header(NodeHeaders.CLUSTER_ID),
        res.header(NodeHeaders.NODE_ID).orElse("?"),
        res.header(NodeHeaders.STREAM_ID),
        ackDelay(res.header(NodeHeaders.ACK_DELAY)));
  }

  /** {@code ReplicaFS-Ack-Delay} in milliseconds; absent or not a number: zero (send at once). */
  static java.time.Duration ackDelay(Optional<String> header) {
    if (header.isEmpty()) {
      return java.time.Duration.ZERO;
    }
    try {
      long ms = Long.parseLong(header.get().trim());
      if (ms <= 0) {
        return java.time.Duration.ZERO;
      }
      return java.time.Duration.ofMillis(Math.min(ms, MAX_ACK_DELAY.toMillis()));
    } catch (NumberFormatException e) {
      return java.time.Duration.ZERO;
    }
  }

  /**
   * Opens {@code POST /stream/ack?stream=} with {@code body} as its never-ending chunked body (the
   * caller publishes the preamble and the ACK frames, and completes it when the stream ends). The
   * future completes with the primary's answer once the body ended, or fails with its refusal.
   */
  public CompletableFuture<Void> openAck(
      String streamId, Flow.Publisher<ByteBuffer> body, Optional<String> clusterId) {
    HttpRequest req =
        request("/stream/ack?stream=" + encode(streamId), clusterId)
            .header("Content-Type", NodeHeaders.ACK_TYPE)
            .POST(HttpRequest.BodyPublishers.fromPublisher(body))
            .build();
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofInputStream())
        .thenApply(
            res -> {
              try {
                check(res);
                res.body().close();
                return null;
              } catch (IOException e) {
                throw new CompletionException(e);
              }
            });
  }

  /** {@code POST /handoff?nodeID=}: returns once the peer handed its lease to {@code target}. */
  public void handoff(long target, Duration timeout) throws IOException, InterruptedException {
    post("/handoff?nodeID=" + NodeHeaders.nodeId(target), timeout);
  }

  /** {@code POST /promote}: returns once the peer is primary. */
  public void promote(Duration timeout) throws IOException, InterruptedException {
    post("/promote", timeout);
  }

  private void post(String pathAndQuery, Duration timeout)
      throws IOException, InterruptedException {
    HttpResponse<InputStream> res =
        http.send(
            request(pathAndQuery, Optional.empty())
                .timeout(timeout)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    check(res);
    res.body().close();
  }

  /** {@code GET /info} as a JSON tree. */
  public JsonNode info() throws IOException, InterruptedException {
    return info(Duration.ofSeconds(30));
  }

  /** {@code GET /info} as a JSON tree, failing after {@code timeout}. */
  public JsonNode info(Duration timeout) throws IOException, InterruptedException {
    HttpResponse<InputStream> res =
        http.send(
            request("/info", Optional.empty()).timeout(timeout).GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
    check(res);
    try (InputStream in = res.body()) {
      return JSON.readTree(in);
    }
  }

  /** {@code GET /export?name=}: copies the database into {@code out}; returns its TXID header. */
  public String export(String name, OutputStream out) throws IOException, InterruptedException {
    HttpResponse<InputStream> res =
        http.send(
            request("/export?name=" + encode(name), Optional.empty()).GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
    check(res);
    try (InputStream in = res.body()) {
      in.transferTo(out);
    }
    return res.headers().firstValue(NodeHeaders.TXID).orElse("");
  }

  /** {@code POST /import?name=} with the file as body; returns the JSON answer. */
  public JsonNode importDatabase(String name, Path file) throws IOException, InterruptedException {
    HttpResponse<InputStream> res =
        http.send(
            request("/import?name=" + encode(name), Optional.empty())
                .header("Content-Type", "application/vnd.sqlite3")
                .POST(HttpRequest.BodyPublishers.ofFile(file))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    check(res);
    try (InputStream in = res.body()) {
      return JSON.readTree(in);
    }
  }

  /** The headers every request carries: this node's ID, the cluster ID when known, the token. */
  private java.util.Map<String, String> identity(Optional<String> clusterId) {
    java.util.Map<String, String> h = new java.util.LinkedHashMap<>();
    h.put(NodeHeaders.NODE_ID, nodeId);
    clusterId.ifPresent(id -> h.put(NodeHeaders.CLUSTER_ID, id));
    token.ifPresent(t -> h.put("Authorization", t.authorization()));
    return h;
  }

  private HttpRequest.Builder request(String pathAndQuery, Optional<String> clusterId) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery));
    identity(clusterId).forEach(b::header);
    return b;
  }

  private static void check(HttpResponse<InputStream> res) throws IOException {
    if (res.statusCode() == 200) {
      return;
    }
    throw NodeApiException.answered(res.request().uri().getPath(), res.statusCode(), res.body());
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}

package dev.replicafs.replication.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.store.HaltGrant;
import dev.replicafs.replication.store.HaltRequester;
import dev.replicafs.replication.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A replica's halt requests to its primary ({@code POST /halt}, {@code POST /tx}, {@code DELETE
 * /halt}, docs/PROTOCOL.md): the {@link HaltRequester} the replication node gives the store while
 * it follows that primary. Every request carries this node's ID and cluster ID; an error answer is
 * a {@link NodeApiException} with the primary's one-line message.
 */
public final class HaltClient implements HaltRequester {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final URI base;
  private final String nodeId;
  private final Store store;
  private final HttpClient http;
  private final java.util.Optional<ClusterToken> token;

  /** A client without cluster token or TLS. */
  public HaltClient(URI base, long nodeId, Store store) {
    this(base, nodeId, store, NodeSecurity.NONE);
  }

  /** A client that sends the cluster token and uses the TLS material of {@code security}. */
  public HaltClient(URI base, long nodeId, Store store, NodeSecurity security) {
    String s = base.toString();
    this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    this.nodeId = NodeHeaders.nodeId(nodeId);
    this.store = store;
    this.token = security.token();
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5));
    security.tls().ifPresent(tls -> b.sslContext(tls.clientContext()));
    this.http = b.build();
  }

  @Override
  public HaltGrant acquire(String db, long id) throws IOException {
    JsonNode n = send(request("/halt", db, id).POST(HttpRequest.BodyPublishers.noBody()));
    Pos pos =
        new Pos(
            Long.parseUnsignedLong(n.path("pos").path("txID").asText(), 16),
            Long.parseUnsignedLong(n.path("pos").path("postApplyChecksum").asText(), 16));
    return new HaltGrant(pos, Duration.ofMillis(n.path("ttlMillis").asLong()));
  }

  @Override
  public void commit(String db, long id, Path ltxFile) throws IOException {
    send(
        request("/tx", db, id)
            .header("Content-Type", "application/octet-stream")
            .POST(HttpRequest.BodyPublishers.ofFile(ltxFile)));
  }

  @Override
  public void release(String db, long id) throws IOException {
    send(request("/halt", db, id).DELETE());
  }

  private HttpRequest.Builder request(String path, String db, long id) throws IOException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create(
                    base
                        + path
                        + "?name="
                        + URLEncoder.encode(db, StandardCharsets.UTF_8)
                        + "&id="
                        + id))
            .timeout(TIMEOUT)
            .header(NodeHeaders.NODE_ID, nodeId);
    store.clusterId().ifPresent(c -> b.header(NodeHeaders.CLUSTER_ID, c));
    token.ifPresent(t -> b.header("Authorization", t.authorization()));
    return b;
  }

  private JsonNode send(HttpRequest.Builder req) throws IOException {
    HttpResponse<InputStream> res;
    try {
      res = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted: " + e.getMessage());
    }
    try (InputStream in = res.body()) {
      byte[] body = in.readNBytes(1 << 16);
      String text = new String(body, StandardCharsets.UTF_8).strip();
      if (res.statusCode() != 200) {
        throw new NodeApiException(
            res.statusCode(),
            res.request().uri().getPath() + " answered " + res.statusCode() + ": " + text);
      }
      return text.isEmpty() ? JSON.createObjectNode() : JSON.readTree(text);
    }
  }
}

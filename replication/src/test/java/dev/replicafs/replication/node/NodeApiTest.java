package dev.replicafs.replication.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.replicafs.replication.http.NodeHeaders;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.FileKind;
import dev.replicafs.replication.store.SqliteWorkload;
import dev.replicafs.replication.store.SqliteWorkload.Mode;
import dev.replicafs.replication.stream.PositionMap;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node API over real HTTP: answers, statuses and refusals of bad input. */
class NodeApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path tmp;
  private TestNode primary;
  private TestNode replica;
  private Db db;

  @BeforeEach
  void start() throws Exception {
    primary = TestNode.open(tmp.resolve("p"), 0x1A);
    replica = TestNode.open(tmp.resolve("r"), 0x2B);
    primary.node.becomePrimary();
    db = primary.store.create("app.db");
    try (SqliteWorkload w = SqliteWorkload.start(db, tmp.resolve("w"), Mode.DELETE, 21, true)) {
      for (int i = 0; i < 5; i++) {
        w.randomTx();
      }
    }
    replica.node.becomeReplica(primary.info());
    ReplicationTest.awaitConverged(primary, "app.db", replica);
  }

  @AfterEach
  void stop() throws Exception {
    replica.close();
    primary.close();
  }

  @Test
  void infoDescribesTheNodeAndEveryResponseCarriesTheIdentityHeaders() throws Exception {
    HttpResponse<String> res = get(primary, "/info");
    assertThat(res.statusCode()).isEqualTo(200);
    JsonNode info = JSON.readTree(res.body());
    assertThat(info.get("nodeID").asText()).isEqualTo("000000000000001A");
    assertThat(info.get("isPrimary").asBoolean()).isTrue();
    assertThat(info.get("clusterID").asText()).matches("LFSC[0-9A-F]{16}");
    assertThat(info.at("/primary/advertiseURL").asText()).isEqualTo(primary.info().advertiseUrl());
    JsonNode rinfo = JSON.readTree(get(replica, "/info").body());
    assertThat(rinfo.get("isPrimary").asBoolean()).isFalse();
    assertThat(rinfo.get("clusterID").asText()).isEqualTo(info.get("clusterID").asText());
    assertThat(rinfo.at("/primary/hostname").asText()).isEqualTo("node-26");
    for (HttpResponse<String> r :
        java.util.List.of(res, get(primary, "/nope"), get(replica, "/export?name=x.db"))) {
      assertThat(r.headers().firstValue(NodeHeaders.NODE_ID)).isPresent();
      assertThat(r.headers().firstValue(NodeHeaders.CLUSTER_ID))
          .contains(info.get("clusterID").asText());
    }
  }

  @Test
  void badRequestsGetPlainSpecificErrorsWithTheRightStatus() throws Exception {
    byte[] junk = new byte[512];
    new Random(3).nextBytes(junk);
    expect(post(primary, "/stream", junk, Map.of()), 400, "not a ReplicaFS position map");
    ByteBuffer huge = ByteBuffer.allocate(10).put("RFSP".getBytes(StandardCharsets.US_ASCII));
    huge.putShort((short) 1).putInt(-1);
    expect(post(primary, "/stream", huge.array(), Map.of()), 400, "entries");
    byte[] traversal = PositionMap.of(Map.of("../etc", new Pos(1, 0))).encode();
    expect(post(primary, "/stream", traversal, Map.of()), 400, "invalid database name");
    byte[] empty = PositionMap.of(Map.of()).encode();
    expect(
        post(primary, "/stream?filter=a.db,../b", empty, Map.of()), 400, "invalid database name");
    expect(
        post(primary, "/stream", empty, Map.of(NodeHeaders.NODE_ID, "000000000000001A")),
        400,
        "cannot stream from self");
    expect(
        post(primary, "/stream", empty, Map.of(NodeHeaders.CLUSTER_ID, "LFSC00000000000000FF")),
        409,
        "cluster ID mismatch");
    expect(post(replica, "/stream", empty, Map.of()), 503, "not the primary");
    expect(
        post(primary, "/stream", empty, Map.of(NodeHeaders.NODE_ID, "../../x")),
        400,
        "malformed ReplicaFS-Node-Id header");
    expect(
        post(primary, "/stream", empty, Map.of(NodeHeaders.CLUSTER_ID, "LFSC'; drop")),
        400,
        "malformed ReplicaFS-Cluster-Id header");
    expect(get(primary, "/export"), 400, "missing query parameter: name");
    expect(get(primary, "/export?name=..%2F..%2Fetc%2Fpasswd"), 400, "invalid database name");
    expect(get(primary, "/export?name=missing.db"), 404, "database not found: missing.db");
    expect(post(replica, "/import?name=app.db", new byte[4096], Map.of()), 503, "not the primary");
    expect(get(primary, "/nope"), 404, "no such endpoint");
    HttpResponse<String> method =
        http.send(
            HttpRequest.newBuilder(primary.node.server().url().resolve("/info")).DELETE().build(),
            HttpResponse.BodyHandlers.ofString());
    expect(method, 405, "not allowed");
  }

  @Test
  void importRefusesAnythingButASqliteDatabaseAndChangesNothing() throws Exception {
    Pos before = db.pos();
    byte[] content = Files.readAllBytes(db.path(FileKind.DATABASE));
    expect(
        post(primary, "/import?name=app.db", "hello".getBytes(StandardCharsets.UTF_8), Map.of()),
        400,
        "shorter than the 100-byte header");
    byte[] notSqlite = new byte[8192];
    new Random(4).nextBytes(notSqlite);
    expect(post(primary, "/import?name=app.db", notSqlite, Map.of()), 400, "not a SQLite database");
    byte[] cut = java.util.Arrays.copyOf(content, content.length - 100);
    expect(post(primary, "/import?name=app.db", cut, Map.of()), 400, "not a whole SQLite database");
    assertThat(db.pos()).isEqualTo(before);
    assertThat(Files.readAllBytes(db.path(FileKind.DATABASE))).isEqualTo(content);
    try (var files = Files.list(primary.dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("import"));
    }
  }

  @Test
  void importReplacesTheDatabaseOnThePrimaryAndReplicatesAndExportReturnsIt() throws Exception {
    Path file = tmp.resolve("new.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE imported(x)");
      s.execute("INSERT INTO imported VALUES ('from a file')");
    }
    byte[] bytes = Files.readAllBytes(file);
    HttpResponse<String> res = post(primary, "/import?name=app.db", bytes, Map.of());
    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
    assertThat(JSON.readTree(res.body()).get("txID").asText()).isEqualTo("0000000000000007");
    ReplicationTest.awaitConverged(primary, "app.db", replica);
    assertThat(Files.readAllBytes(replica.db("app.db").path(FileKind.DATABASE))).isEqualTo(bytes);
    assertThat(ReplicationTest.export(replica, "app.db")).isEqualTo(bytes);
    HttpResponse<String> created = post(primary, "/import?name=other.db", bytes, Map.of());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    ReplicationTest.awaitConverged(primary, "other.db", replica);
  }

  @Test
  void eventsStreamInitThenEachTransaction() throws Exception {
    HttpResponse<InputStream> res =
        http.send(
            HttpRequest.newBuilder(replica.node.server().url().resolve("/events")).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
      JsonNode init = JSON.readTree(lines.readLine());
      assertThat(init.get("type").asText()).isEqualTo("init");
      assertThat(init.at("/data/isPrimary").asBoolean()).isFalse();
      assertThat(init.at("/data/hostname").asText()).isEqualTo("node-26");
      try (SqliteWorkload w =
          SqliteWorkload.start(
              primary.store.create("ev.db"), tmp.resolve("we"), Mode.DELETE, 22, true)) {
        w.randomTx();
      }
      JsonNode tx = JSON.readTree(lines.readLine());
      assertThat(tx.get("type").asText()).isEqualTo("tx");
      assertThat(tx.get("db").asText()).isEqualTo("ev.db");
      assertThat(tx.at("/data/txID").asText()).isEqualTo("0000000000000001");
      assertThat(tx.at("/data/postApplyChecksum").asText()).hasSize(16);
      assertThat(tx.at("/data/pageSize").asInt()).isEqualTo(4096);
      assertThat(tx.at("/data/timestamp").asText()).endsWith("Z");
    }
  }

  @Test
  void metricsUseLiteFsAndReplicaFsNames() throws Exception {
    HttpResponse<String> res = get(primary, "/metrics");
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.body())
        .contains("litefs_is_primary 1.0")
        .contains("replicafs_is_primary 1.0")
        .contains("litefs_db_txid{db=\"app.db\"} 6.0")
        .contains("litefs_db_commit_count{db=\"app.db\"} 6.0")
        .contains("replicafs_db_commit_count_total{db=\"app.db\"} 6.0")
        .contains("litefs_subscriber_count 1.0")
        .contains("litefs_http_stream_count 1.0")
        .contains("litefs_db_ltx_count{db=\"app.db\"} 6.0");
    String r = get(replica, "/metrics").body();
    assertThat(r)
        .contains("litefs_is_primary 0.0")
        .contains("replicafs_db_apply_count_total{db=\"app.db\"}")
        .contains("litefs_lag_seconds");
  }

  private HttpResponse<String> get(TestNode n, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(n.node.server().url() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(
      TestNode n, String path, byte[] body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(n.node.server().url() + path))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void expect(HttpResponse<String> res, int status, String message) {
    assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
    assertThat(res.body()).contains(message).doesNotContain("\tat ").doesNotContain("Exception");
    assertThat(res.headers().firstValue("Content-Type")).get().asString().startsWith("text/plain");
    assertThat(res.headers().firstValue(NodeHeaders.NODE_ID)).isPresent();
  }
}

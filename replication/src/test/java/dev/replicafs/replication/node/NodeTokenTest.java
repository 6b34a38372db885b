package dev.replicafs.replication.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.replicafs.replication.http.NodeApiException;
import dev.replicafs.replication.http.NodeClient;
import dev.replicafs.replication.http.NodeSecurity;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.replica.ReplicaClient;
import dev.replicafs.replication.store.SqliteWorkload;
import dev.replicafs.replication.store.SqliteWorkload.Mode;
import dev.replicafs.replication.stream.PositionMap;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The cluster token over real HTTP: every protected endpoint, both open ones, a real replica. */
class NodeTokenTest {
  private static final String TOKEN = "s3cret-cluster-token";
  private static final NodeSecurity SECURE = NodeSecurity.NONE.withToken(TOKEN);

  /** Every protected endpoint as method, path and body (null = GET). */
  private static final List<Object[]> PROTECTED =
      List.of(
          new Object[] {"/stream", PositionMap.of(Map.of()).encode()},
          new Object[] {"/export?name=app.db", null},
          new Object[] {"/import?name=app.db", new byte[4096]},
          new Object[] {"/events", null},
          new Object[] {"/no-such-endpoint", null});

  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path tmp;
  private TestNode primary;

  @BeforeEach
  void start() throws Exception {
    primary = TestNode.open(tmp.resolve("p"), 0x1A, SECURE);
    primary.node.becomePrimary();
    try (SqliteWorkload w =
        SqliteWorkload.start(
            primary.store.create("app.db"), tmp.resolve("w"), Mode.DELETE, 7, true)) {
      for (int i = 0; i < 3; i++) {
        w.randomTx();
      }
    }
  }

  @AfterEach
  void stop() throws Exception {
    primary.close();
  }

  @Test
  void everyProtectedEndpointRefusesAMissingOrWrongToken() throws Exception {
    Pos before = primary.db("app.db").pos();
    for (Object[] e : PROTECTED) {
      for (Optional<String> auth :
          List.of(
              Optional.<String>empty(),
              Optional.of("Bearer wrong-token"),
              Optional.of("Bearer " + TOKEN + "x"),
              Optional.of("Basic " + TOKEN),
              Optional.of("Bearer"))) {
        HttpResponse<String> res = send((String) e[0], (byte[]) e[1], auth);
        assertThat(res.statusCode()).as(e[0] + " with " + auth).isEqualTo(401);
        assertThat(res.body())
            .as(e[0] + " with " + auth)
            .contains("cluster token")
            .doesNotContain(TOKEN)
            .doesNotContain("wrong-token")
            .doesNotContain("Exception");
        assertThat(res.headers().firstValue("WWW-Authenticate"))
            .contains("Bearer realm=\"replicafs\"");
      }
    }
    assertThat(primary.db("app.db").pos()).as("nothing imported").isEqualTo(before);
  }

  @Test
  void aFloodOfRefusalsFromOneAddressLogsOneWarningAndCountsEveryRefusal() throws Exception {
    Logger endpoint = (Logger) LoggerFactory.getLogger("dev.replicafs.replication.http.Endpoint");
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    endpoint.addAppender(logs);
    ch.qos.logback.classic.Level level = endpoint.getLevel();
    endpoint.setLevel(ch.qos.logback.classic.Level.DEBUG);
    try {
      for (int i = 0; i < 50; i++) {
        assertThat(send("/export?name=app.db", null, Optional.empty()).statusCode()).isEqualTo(401);
      }
      for (int i = 0; i < 10; i++) {
        assertThat(send("/events", null, Optional.of("Bearer wrong")).statusCode()).isEqualTo(401);
      }
    } finally {
      endpoint.detachAppender(logs);
      endpoint.setLevel(level);
    }
    List<ILoggingEvent> refusals =
        logs.list.stream()
            .filter(e -> e.getFormattedMessage().startsWith("refused unauthenticated request"))
            .toList();
    assertThat(refusals).hasSize(60);
    assertThat(refusals.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN))
        .as("one warning for the address, the rest at debug")
        .hasSize(1);
    assertThat(refusals.get(0).getFormattedMessage())
        .contains("reason=missing", "logged at debug")
        .doesNotContain(TOKEN);
    String metrics = send("/metrics", null, Optional.empty()).body();
    assertThat(metrics)
        .contains("replicafs_http_unauthorized_total{reason=\"missing\"} 50.0")
        .contains("replicafs_http_unauthorized_total{reason=\"wrong\"} 10.0");
  }

  @Test
  void theRightTokenIsAcceptedAndInfoAndMetricsStayOpen() throws Exception {
    Optional<String> right = Optional.of("Bearer " + TOKEN);
    assertThat(send("/export?name=app.db", null, right).statusCode()).isEqualTo(200);
    assertThat(send("/no-such-endpoint", null, right).statusCode()).isEqualTo(404);
    for (Object[] e : List.of(PROTECTED.get(0), PROTECTED.get(3))) {
      HttpResponse<InputStream> open =
          http.send(
              request((String) e[0], (byte[]) e[1], right).build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertThat(open.statusCode()).as((String) e[0]).isEqualTo(200);
      open.body().close();
    }
    assertThat(send("/info", null, Optional.empty()).statusCode()).isEqualTo(200);
    assertThat(send("/metrics", null, Optional.empty()).statusCode()).isEqualTo(200);
    assertThat(send("/info", null, Optional.of("Bearer wrong")).statusCode()).isEqualTo(200);

    long txid = primary.db("app.db").pos().txid();
    NodeClient client = new NodeClient(primary.node.server().url(), 0x77, SECURE);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(client.export("app.db", out)).isEqualTo(String.format("%016x", txid));
    Path copy = Files.write(tmp.resolve("copy.db"), out.toByteArray());
    assertThat(client.importDatabase("app.db", copy).get("txID").asText())
        .isEqualTo(String.format("%016x", txid + 1));
    assertThatThrownBy(
            () ->
                new NodeClient(primary.node.server().url(), 0x77)
                    .export("app.db", new ByteArrayOutputStream()))
        .isInstanceOf(NodeApiException.class)
        .hasMessageContaining("401")
        .hasMessageContaining("missing cluster token");
  }

  @Test
  void aReplicaWithTheRightTokenStreamsAndOneWithAWrongTokenCannotAndLogsWhy() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(ReplicaClient.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    logger.addAppender(logs);
    try (TestNode good = TestNode.open(tmp.resolve("good"), 0x2B, SECURE);
        TestNode bad =
            TestNode.open(tmp.resolve("bad"), 0x3C, NodeSecurity.NONE.withToken("not-it"));
        TestNode none = TestNode.open(tmp.resolve("none"), 0x4D, NodeSecurity.NONE)) {
      good.node.becomeReplica(primary.info());
      bad.node.becomeReplica(primary.info());
      none.node.becomeReplica(primary.info());
      ReplicationTest.awaitConverged(primary, "app.db", good);
      for (TestNode refused : List.of(bad, none)) {
        ReplicaClient c = refused.node.replica().orElseThrow();
        Await.until(
            "node " + refused.id + " records the refusal",
            () -> c.lastError().map(m -> m.contains("401")).orElse(false));
        assertThat(refused.store.db("app.db")).as("nothing streamed").isEmpty();
        assertThat(c.isReady()).isFalse();
      }
      Await.until(
          "the refusal is logged with its reason",
          Duration.ofSeconds(10),
          () ->
              logs.list.stream()
                  .anyMatch(
                      ev ->
                          ev.getFormattedMessage().contains("401")
                              && ev.getFormattedMessage().contains("wrong cluster token")));
      assertThat(logs.list)
          .noneMatch(ev -> ev.getFormattedMessage().contains(TOKEN))
          .noneMatch(ev -> ev.getFormattedMessage().contains("not-it"));
      assertThat(good.db("app.db").pos()).isEqualTo(primary.db("app.db").pos());
      assertThat(good.db("app.db").pos()).isNotEqualTo(Pos.ZERO);
    } finally {
      logger.detachAppender(logs);
    }
  }

  private HttpResponse<String> send(String path, byte[] body, Optional<String> auth)
      throws Exception {
    return http.send(request(path, body, auth).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder request(String path, byte[] body, Optional<String> auth) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(primary.node.server().url() + path))
            .timeout(Duration.ofSeconds(10));
    if (body != null) {
      b.POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }
    auth.ifPresent(a -> b.header("Authorization", a));
    return b;
  }
}

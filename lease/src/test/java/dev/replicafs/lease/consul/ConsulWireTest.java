package dev.replicafs.lease.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.replicafs.lease.ClusterId;
import dev.replicafs.lease.ClusterIdMismatchException;
import dev.replicafs.lease.Lease;
import dev.replicafs.lease.LeaseExpiredException;
import dev.replicafs.lease.LeaseUnavailableException;
import dev.replicafs.lease.MonotonicClock;
import dev.replicafs.lease.NotCandidateException;
import dev.replicafs.lease.PrimaryInfo;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link ConsulLeaser} puts on the wire, checked against Consul's documented HTTP API (no
 * Consul binary is available in CI; {@link ConsulLeaserTest} runs the behaviour against a real
 * agent when {@code CONSUL_HTTP_ADDR} is set). A loopback HTTP server records every request and
 * answers with the responses Consul documents for it.
 */
class ConsulWireTest {

  private static final PrimaryInfo SELF = new PrimaryInfo("node-a", "http://node-a:20202");
  private static final String SESSION = "adf4238a-882b-9ddc-4a9d-5b6758e4159e";
  private static final String SESSION_INFO =
      "[{\"ID\":\""
          + SESSION
          + "\",\"Name\":\"litefs\",\"Node\":\"pre/litefs\",\"LockDelay\":1000000000,"
          + "\"Behavior\":\"delete\",\"TTL\":\"10s\",\"Checks\":[],\"CreateIndex\":1,"
          + "\"ModifyIndex\":1}]";

  private final ObjectMapper json = new ObjectMapper();
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  private final Deque<Answer> answers = new ArrayDeque<>();
  private HttpServer server;

  record Recorded(String method, String path, String query, String token, String body) {}

  record Answer(int status, String body) {}

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private synchronized void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    requests.add(
        new Recorded(
            exchange.getRequestMethod(),
            exchange.getRequestURI().getPath(),
            exchange.getRequestURI().getRawQuery(),
            exchange.getRequestHeaders().getFirst("X-Consul-Token"),
            body));
    Answer answer = answers.isEmpty() ? new Answer(500, "unexpected request") : answers.poll();
    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.getResponseHeaders().add("X-Consul-Index", "7");
    exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private void answer(int status, String body) {
    synchronized (this) {
      answers.add(new Answer(status, body));
    }
  }

  private ConsulLeaser leaser(boolean candidate) {
    String url = "http://:s3cr3t@127.0.0.1:" + server.getAddress().getPort() + "/pre/";
    return new ConsulLeaser(
        ConsulConfig.of(url, "app/primary"), SELF, candidate, MonotonicClock.system());
  }

  @Test
  void acquireRegistersTheNodeCreatesADeleteSessionAndAcquiresTheKey() throws Exception {
    answer(200, "true"); // catalog register
    answer(200, "{\"ID\":\"" + SESSION + "\"}"); // session create
    answer(200, "true"); // kv acquire
    try (ConsulLeaser leaser = leaser(true)) {
      Lease lease = leaser.acquire();

      assertThat(lease.id()).isEqualTo(SESSION);
      assertThat(requests).hasSize(3).allMatch(r -> "s3cr3t".equals(r.token()));
      Recorded register = requests.get(0);
      assertThat(register.method() + " " + register.path()).isEqualTo("PUT /v1/catalog/register");
      assertThat(json.readTree(register.body()).get("Node").asText()).isEqualTo("pre/litefs");
      Recorded create = requests.get(1);
      assertThat(create.method() + " " + create.path()).isEqualTo("PUT /v1/session/create");
      JsonNode session = json.readTree(create.body());
      assertThat(session.get("Name").asText()).isEqualTo("litefs");
      assertThat(session.get("Behavior").asText()).isEqualTo("delete");
      assertThat(session.get("TTL").asText()).isEqualTo("10s");
      assertThat(session.get("LockDelay").asText()).isEqualTo("1000ms");
      assertThat(session.get("Node").asText()).isEqualTo("pre/litefs");
      assertThat(session.get("Checks").isArray()).isTrue();
      assertThat(session.get("Checks")).isEmpty();
      assertThat(session.get("NodeChecks").isArray()).isTrue();
      assertThat(session.get("NodeChecks")).isEmpty();
      Recorded acquire = requests.get(2);
      assertThat(acquire.method() + " " + acquire.path()).isEqualTo("PUT /v1/kv/pre/app/primary");
      assertThat(acquire.query()).isEqualTo("acquire=" + SESSION);
      assertThat(PrimaryInfo.fromJson(acquire.body().getBytes(StandardCharsets.UTF_8)))
          .isEqualTo(SELF);
    }
  }

  @Test
  void closeReleasesTheKeyThenDestroysTheSession() throws Exception {
    answer(200, "true");
    answer(200, "{\"ID\":\"" + SESSION + "\"}");
    answer(200, "true");
    answer(200, "true"); // release
    answer(200, "true"); // destroy
    try (ConsulLeaser leaser = leaser(true)) {
      Lease lease = leaser.acquire();
      requests.clear();

      lease.close();
      lease.close();

      assertThat(requests).hasSize(2);
      assertThat(requests.get(0).path()).isEqualTo("/v1/kv/pre/app/primary");
      assertThat(requests.get(0).query()).isEqualTo("release=" + SESSION);
      assertThat(requests.get(0).body()).isEmpty();
      assertThat(requests.get(1).method() + " " + requests.get(1).path())
          .isEqualTo("PUT /v1/session/destroy/" + SESSION);
    }
  }

  @Test
  void renewalOfAnUnknownSessionIsAnExpiredLease() throws Exception {
    answer(200, "true");
    answer(200, "{\"ID\":\"" + SESSION + "\"}");
    answer(200, "true");
    answer(200, SESSION_INFO); // renew ok
    answer(404, "Session id '" + SESSION + "' not found"); // renew after invalidation
    try (ConsulLeaser leaser = leaser(true)) {
      Lease lease = leaser.acquire();

      lease.renew();
      assertThat(requests.get(3).method() + " " + requests.get(3).path())
          .isEqualTo("PUT /v1/session/renew/" + SESSION);
      assertThatThrownBy(lease::renew).isInstanceOf(LeaseExpiredException.class);
      assertThat(lease.validAt(MonotonicClock.system().instant())).isFalse();
    }
  }

  @Test
  void clusterIdIsWrittenWithCasZeroAndAMismatchIsReported() throws Exception {
    ClusterId mine = new ClusterId("LFSC1111111111111111");
    answer(200, "false"); // cas=0 refused: already set
    answer(
        200,
        "[{\"Key\":\"pre/app/primary/clusterid\",\"Value\":\"TEZTQzIyMjIyMjIyMjIyMjIyMjI=\","
            + "\"Flags\":0,\"CreateIndex\":3,\"ModifyIndex\":3,\"LockIndex\":0}]");
    try (ConsulLeaser leaser = leaser(true)) {
      ClusterIdMismatchException mismatch =
          org.assertj.core.api.Assertions.catchThrowableOfType(
              ClusterIdMismatchException.class, () -> leaser.setClusterId(mine));

      assertThat(requests.get(0).method() + " " + requests.get(0).path())
          .isEqualTo("PUT /v1/kv/pre/app/primary/clusterid");
      assertThat(requests.get(0).query()).contains("cas=0");
      assertThat(requests.get(0).body()).isEqualTo(mine.value());
      assertThat(mismatch.remote()).isEqualTo(new ClusterId("LFSC2222222222222222"));
      assertThat(mismatch.getMessage()).contains("consul key \"pre/app/primary/clusterid\"");
    }
  }

  @Test
  void aKeyWithoutASessionIsNoPrimary() throws Exception {
    String value = java.util.Base64.getEncoder().encodeToString(SELF.toJson());
    answer(
        200,
        "[{\"Key\":\"pre/app/primary\",\"Value\":\""
            + value
            + "\",\"Flags\":0,\"CreateIndex\":3,\"ModifyIndex\":4,\"LockIndex\":1}]");
    answer(
        200,
        "[{\"Key\":\"pre/app/primary\",\"Value\":\""
            + value
            + "\",\"Session\":\""
            + SESSION
            + "\",\"Flags\":0,\"CreateIndex\":3,\"ModifyIndex\":5,\"LockIndex\":2}]");
    try (ConsulLeaser leaser = leaser(false)) {
      assertThatThrownBy(leaser::primaryInfo)
          .isInstanceOf(dev.replicafs.lease.NoPrimaryException.class);
      assertThat(leaser.primaryInfo()).isEqualTo(SELF);
      assertThatThrownBy(leaser::acquire).isInstanceOf(NotCandidateException.class);
    }
  }

  @Test
  void waitingForAPrimaryUsesBlockingQueriesFromTheLastIndex() throws Exception {
    String value = java.util.Base64.getEncoder().encodeToString(SELF.toJson());
    answer(404, ""); // no key yet: Consul still sends X-Consul-Index
    answer(
        200,
        "[{\"Key\":\"pre/app/primary\",\"Value\":\""
            + value
            + "\",\"Session\":\""
            + SESSION
            + "\",\"Flags\":0,\"CreateIndex\":8,\"ModifyIndex\":8,\"LockIndex\":1}]");
    try (ConsulLeaser leaser = leaser(false)) {
      assertThat(leaser.awaitPrimaryChange(Optional.empty(), Duration.ofSeconds(30)))
          .contains(SELF);

      assertThat(requests).hasSize(2);
      assertThat(requests.get(0).path()).isEqualTo("/v1/kv/pre/app/primary");
      assertThat(requests.get(0).query()).contains("recurse=true").contains("index=0");
      assertThat(requests.get(1).query())
          .contains("recurse=true")
          .contains("index=7")
          .contains("wait=5s");
    }
  }

  @Test
  void anUnreachableAgentIsUnavailableAndNamesTheAddress() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    ConsulConfig config = ConsulConfig.of("http://127.0.0.1:" + port, "app/primary");
    try (ConsulLeaser leaser = new ConsulLeaser(config, SELF, true, MonotonicClock.system())) {
      assertThatThrownBy(leaser::acquire)
          .isInstanceOf(LeaseUnavailableException.class)
          .hasMessageContaining("127.0.0.1:" + port);
    }
  }
}

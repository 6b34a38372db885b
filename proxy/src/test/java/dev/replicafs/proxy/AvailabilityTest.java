package dev.replicafs.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No primary, primary lost and re-elected, app not up yet, health. */
class AvailabilityTest {

  @TempDir Path dir;

  @Test
  void writeWithNoPrimaryGets503ThenResumesOnceAPrimaryIsKnown() throws Exception {
    try (ProxyCluster cluster = ProxyCluster.start(dir, b -> b)) {
      Leadership primary = cluster.replica.view().leadership();
      cluster.replica.view().setLeadership(Leadership.UNKNOWN);

      HttpResponse<String> refused = Http.post(cluster.replica.url("/rows"), "x");
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.body()).contains("no primary available").contains("PT1S");

      CompletableFuture<HttpResponse<String>> waiting =
          Async.run(() -> Http.post(cluster.replica.url("/rows"), "y"));
      Poll.until("write parked on leadership", () -> cluster.replica.view().pendingWaiters() == 1);
      cluster.replica.view().setLeadership(primary);

      HttpResponse<String> accepted = waiting.get(10, TimeUnit.SECONDS);
      assertThat(accepted.statusCode()).isEqualTo(201);
      assertThat(accepted.body()).isEqualTo("inserted by primary");
      assertThat(cluster.primary.app().requests()).containsExactly("POST /rows");
    }
  }

  @Test
  void afterPrimaryIsKilledWritesGet503AndResumeOnTheNewPrimary() throws Exception {
    try (ProxyCluster cluster = ProxyCluster.start(dir, b -> b)) {
      cluster.primary.proxy().close();
      cluster.replica.view().setLeadership(Leadership.UNKNOWN);

      assertThat(Http.post(cluster.replica.url("/rows"), "lost").statusCode()).isEqualTo(503);

      cluster.replica.view().setLeadership(Leadership.LOCAL);
      HttpResponse<String> r = Http.post(cluster.replica.url("/rows"), "new");
      assertThat(r.statusCode()).isEqualTo(201);
      assertThat(r.body()).isEqualTo("inserted by replica");
      assertThat(r.headers().firstValue("ReplicaFS-TXID")).hasValue("0000000000000001");
    }
  }

  @Test
  void writeInFlightToADeadPrimaryFollowsTheNewLeadership() throws Exception {
    try (ProxyCluster cluster = ProxyCluster.start(dir, b -> b)) {
      cluster.primary.proxy().close();
      long before = cluster.replica.proxy().failedConnectAttempts();

      CompletableFuture<HttpResponse<String>> pending =
          Async.run(() -> Http.post(cluster.replica.url("/rows"), "moved"));
      Poll.until(
          "connect retries to the dead primary",
          () -> cluster.replica.proxy().failedConnectAttempts() >= before + 2);
      cluster.replica.view().setLeadership(Leadership.LOCAL);

      HttpResponse<String> r = pending.get(10, TimeUnit.SECONDS);
      assertThat(r.statusCode()).isEqualTo(201);
      assertThat(r.body()).isEqualTo("inserted by replica");
      assertThat(r.headers().firstValue("ReplicaFS-TXID")).hasValue("0000000000000001");
    }
  }

  @Test
  void writeInFlightFollowsThePrimaryToAThirdNode() throws Exception {
    try (ProxyCluster cluster = ProxyCluster.start(dir, b -> b);
        ProxyCluster.Node third =
            ProxyCluster.startNode("third", dir, new FakeClusterView(Leadership.LOCAL), b -> b)) {
      cluster.primary.proxy().close();
      long before = cluster.replica.proxy().failedConnectAttempts();

      CompletableFuture<HttpResponse<String>> pending =
          Async.run(() -> Http.post(cluster.replica.url("/rows"), "third"));
      Poll.until(
          "connect retries to the dead primary",
          () -> cluster.replica.proxy().failedConnectAttempts() >= before + 2);
      cluster
          .replica
          .view()
          .setLeadership(new Leadership.Remote(new PrimaryInfo("third-host", third.baseUrl())));

      HttpResponse<String> r = pending.get(10, TimeUnit.SECONDS);
      assertThat(r.statusCode()).isEqualTo(201);
      assertThat(r.body()).isEqualTo("inserted by third");
      assertThat(r.headers().firstValue("ReplicaFS-TXID")).hasValue("0000000000000001");
      assertThat(cluster.primary.app().requests()).isEmpty();
      assertThat(cluster.replica.app().requests()).isEmpty();
    }
  }

  @Test
  void requestsWaitForTheAppToStartWithinTheBound() throws Exception {
    int port = freePort();
    FakeClusterView view = new FakeClusterView(Leadership.LOCAL);
    ProxyConfig config =
        ProxyCluster.testDefaults("127.0.0.1:" + port)
            .connectRetryTimeout(Duration.ofSeconds(20))
            .build();
    try (ProxyServer proxy = ProxyServer.start(config, view)) {
      CompletableFuture<HttpResponse<String>> pending =
          Async.run(() -> Http.get(URI.create("http://127.0.0.1:" + proxy.port() + "/hello")));
      Poll.until("proxy retrying the app", () -> proxy.failedConnectAttempts() >= 2);
      assertThat(pending).isNotDone();

      try (TestApp app = new TestApp("late", dir.resolve("late.db"), port, t -> {}).start()) {
        HttpResponse<String> r = pending.get(10, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("late GET /hello");
      }
    }
  }

  @Test
  void appNotUpWithinTheBoundGets502() throws Exception {
    int port = freePort();
    ProxyConfig config =
        ProxyCluster.testDefaults("127.0.0.1:" + port)
            .connectRetryTimeout(Duration.ofMillis(500))
            .build();
    try (ProxyServer proxy = ProxyServer.start(config, new FakeClusterView(Leadership.LOCAL))) {
      HttpResponse<String> r = Http.get(URI.create("http://127.0.0.1:" + proxy.port() + "/hello"));

      assertThat(r.statusCode()).isEqualTo(502);
      assertThat(r.body()).startsWith("Proxy error: cannot connect to http://127.0.0.1:" + port);
      assertThat(proxy.failedConnectAttempts()).isGreaterThanOrEqualTo(2);
    }
  }

  @Test
  void healthIsOkUntilLagExceedsMaxLag() throws Exception {
    try (ProxyCluster cluster = ProxyCluster.start(dir, b -> b)) {
      for (String path : new String[] {"/litefs/health", "/replicafs/health"}) {
        HttpResponse<String> ok = Http.get(cluster.replica.url(path));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("OK\n");
      }
      cluster.replica.view().setLag(Duration.ofSeconds(11));
      HttpResponse<String> lagging = Http.get(cluster.replica.url("/litefs/health"));
      assertThat(lagging.statusCode()).isEqualTo(503);
      assertThat(lagging.body()).isEqualTo("Replication lag exceeded\n");

      cluster.replica.view().setLag(Duration.ofSeconds(10));
      assertThat(Http.get(cluster.replica.url("/replicafs/health")).statusCode()).isEqualTo(200);
      assertThat(cluster.replica.app().requests()).isEmpty();
    }
  }

  @Test
  void zeroMaxLagDisablesTheLagCheck() throws Exception {
    try (ProxyCluster cluster = ProxyCluster.start(dir, b -> b.maxLag(Duration.ZERO))) {
      cluster.replica.view().setLag(Duration.ofHours(1));
      assertThat(Http.get(cluster.replica.url("/litefs/health")).statusCode()).isEqualTo(200);
    }
  }

  /** A loopback port with nothing listening on it (connections are refused). */
  private static int freePort() throws Exception {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }
}

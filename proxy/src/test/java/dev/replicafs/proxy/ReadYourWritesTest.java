package dev.replicafs.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadYourWritesTest {

  @TempDir Path dir;
  ProxyCluster cluster;

  @BeforeEach
  void start() throws Exception {
    cluster = ProxyCluster.start(dir, b -> b);
  }

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  @Test
  void readWithCookieOnLaggingReplicaWaitsThenSeesTheWrite() throws Exception {
    HttpResponse<String> write = Http.post(cluster.replica.url("/rows"), "alice");
    String cookie =
        write.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith("__txid="))
            .findFirst()
            .orElseThrow()
            .split(";")[0];

    CompletableFuture<HttpResponse<String>> read =
        Async.run(() -> Http.get(cluster.replica.url("/rows"), "Cookie", cookie));
    Poll.until("read parked on txid", () -> cluster.replica.view().pendingWaiters() == 1);
    assertThat(read).isNotDone();
    assertThat(cluster.replica.app().requests()).isEmpty();

    cluster.replica.app().applyReplicated("alice");
    cluster.replica.view().setTxid(ProxyCluster.DB, 1);

    HttpResponse<String> r = read.get(10, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("alice\n");
    assertThat(r.headers().firstValue("X-App")).hasValue("replica");
  }

  @Test
  void readWithTxidHeaderWaitsLikeTheCookie() throws Exception {
    HttpResponse<String> write = Http.post(cluster.replica.url("/rows"), "bob");
    String txid = write.headers().firstValue("ReplicaFS-TXID").orElseThrow();

    CompletableFuture<HttpResponse<String>> read =
        Async.run(() -> Http.get(cluster.replica.url("/rows"), "ReplicaFS-TXID", txid));
    Poll.until("read parked on txid", () -> cluster.replica.view().pendingWaiters() == 1);
    cluster.replica.app().applyReplicated("bob");
    cluster.replica.view().setTxid(ProxyCluster.DB, 1);

    assertThat(read.get(10, TimeUnit.SECONDS).body()).isEqualTo("bob\n");
  }

  @Test
  void manyParkedReadsHoldNoThreadAndAllCompleteWhenTheReplicaCatchesUp() throws Exception {
    cluster.close();
    cluster = ProxyCluster.start(dir, b -> b.txidWaitTimeout(java.time.Duration.ofSeconds(30)));
    int parked = 200;
    java.util.List<CompletableFuture<HttpResponse<String>>> reads = new java.util.ArrayList<>();
    for (int i = 0; i < parked; i++) {
      reads.add(
          Http.CLIENT.sendAsync(
              HttpRequest.newBuilder(cluster.replica.url("/rows"))
                  .header("ReplicaFS-TXID", "0000000000000001")
                  .timeout(java.time.Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    Poll.until("all reads parked", () -> cluster.replica.view().pendingWaiters() == parked);

    HttpResponse<String> meanwhile = Http.get(cluster.replica.url("/rows"));
    assertThat(meanwhile.statusCode()).isEqualTo(200);

    cluster.replica.app().applyReplicated("x");
    cluster.replica.view().setTxid(ProxyCluster.DB, 1);
    for (CompletableFuture<HttpResponse<String>> read : reads) {
      HttpResponse<String> r = read.get(20, TimeUnit.SECONDS);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("x\n");
    }
  }

  @Test
  void readWithoutTokenIsServedAtOnceFromTheLaggingReplica() throws Exception {
    Http.post(cluster.replica.url("/rows"), "carol");

    HttpResponse<String> r = Http.get(cluster.replica.url("/rows"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEmpty();
    assertThat(cluster.replica.view().pendingWaiters()).isZero();
  }

  @Test
  void readWhoseTxidIsNotReachedGets504AndTheWaitIsCancelled() throws Exception {
    HttpResponse<String> r =
        Http.get(cluster.replica.url("/rows"), "Cookie", "__txid=0000000000000005");

    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(r.body()).startsWith("Proxy timeout").contains("0000000000000005");
    assertThat(cluster.replica.app().requests()).isEmpty();
    assertThat(cluster.replica.view().pendingWaiters()).isZero();
  }

  @Test
  void unparseableTokenIsIgnoredAndHeadIsARead() throws Exception {
    HttpResponse<String> r = Http.get(cluster.replica.url("/rows"), "Cookie", "__txid=zzz");
    HttpResponse<String> head =
        Http.send(
            HttpRequest.newBuilder(cluster.replica.url("/rows"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(cluster.replica.app().requests()).containsExactly("GET /rows", "HEAD /rows");
    assertThat(cluster.primary.app().requests()).isEmpty();
  }

  @Test
  void cookieExpiresAfterCookieExpiryByTheInjectedClock() throws Exception {
    FakeClusterView view = new FakeClusterView(Leadership.LOCAL);
    try (TestApp app =
            new TestApp("solo", dir.resolve("solo.db"), 0, t -> view.setTxid("app.db", t)).start();
        ProxyServer proxy =
            ProxyServer.start(
                ProxyCluster.testDefaults("127.0.0.1:" + app.port()).build(),
                view,
                Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC))) {
      HttpResponse<String> r =
          Http.post(java.net.URI.create("http://127.0.0.1:" + proxy.port() + "/rows"), "dave");

      assertThat(r.headers().allValues("Set-Cookie"))
          .containsExactly(
              "__txid=0000000000000001; Path=/; Expires=Thu, 1 Jan 2026 00:05:00 GMT; HttpOnly");
    }
  }
}

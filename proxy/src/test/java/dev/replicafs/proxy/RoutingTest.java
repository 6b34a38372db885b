package dev.replicafs.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code passthrough} and {@code always-forward} patterns applied to real requests. */
class RoutingTest {

  @TempDir Path dir;
  ProxyCluster cluster;

  @BeforeEach
  void start() throws Exception {
    cluster =
        ProxyCluster.start(
            dir,
            b -> b.passthrough(List.of("/static/*", "*.png")).alwaysForward(List.of("/admin/*")));
  }

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  @Test
  void passthroughWriteStaysOnTheReplicaWithoutToken() throws Exception {
    HttpResponse<String> r = Http.post(cluster.replica.url("/static/form"), "x");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("replica POST /static/form");
    assertThat(r.headers().firstValue("ReplicaFS-TXID")).isEmpty();
    assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
    assertThat(cluster.primary.app().requests()).isEmpty();
  }

  @Test
  void passthroughReadIgnoresTheTxidToken() throws Exception {
    HttpResponse<String> r =
        Http.get(cluster.replica.url("/images/logo.png"), "Cookie", "__txid=00000000000000ff");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("replica GET /images/logo.png");
    assertThat(cluster.replica.view().pendingWaiters()).isZero();
  }

  @Test
  void alwaysForwardGetIsTreatedAsAWrite() throws Exception {
    HttpResponse<String> r = Http.get(cluster.replica.url("/admin/migrate"));

    assertThat(r.body()).isEqualTo("primary GET /admin/migrate");
    assertThat(r.headers().firstValue("ReplicaFS-TXID")).hasValue("0000000000000000");
    assertThat(cluster.replica.app().requests()).isEmpty();
  }

  @Test
  void otherReadsStayLocalAndOtherMethodsAreWrites() throws Exception {
    assertThat(Http.get(cluster.replica.url("/admin")).body()).isEqualTo("replica GET /admin");
    assertThat(
            Http.send(
                    java.net.http.HttpRequest.newBuilder(cluster.replica.url("/things/1")).DELETE())
                .body())
        .isEqualTo("primary DELETE /things/1");
    assertThat(
            Http.send(
                    java.net.http.HttpRequest.newBuilder(cluster.replica.url("/things/1"))
                        .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString("p")))
                .body())
        .isEqualTo("primary PATCH /things/1");
  }
}

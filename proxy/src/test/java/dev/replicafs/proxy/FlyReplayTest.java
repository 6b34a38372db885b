package dev.replicafs.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code proxy.mode: fly-replay} keeps LiteFS's behaviour. */
class FlyReplayTest {

  @TempDir Path dir;
  ProxyCluster cluster;

  @BeforeEach
  void start() throws Exception {
    cluster = ProxyCluster.start(dir, b -> b.mode(ProxyMode.FLY_REPLAY));
  }

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  @Test
  void writeOnReplicaIsAnsweredWithFlyReplayHeader() throws Exception {
    HttpResponse<String> r = Http.post(cluster.replica.url("/rows"), "x");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("fly-replay")).hasValue("instance=primary-host");
    assertThat(r.body()).isEmpty();
    assertThat(cluster.primary.app().requests()).isEmpty();
    assertThat(cluster.replica.app().requests()).isEmpty();
  }

  @Test
  void writeOnPrimaryAndReadsAreServedLocally() throws Exception {
    HttpResponse<String> write = Http.post(cluster.primary.url("/rows"), "x");
    HttpResponse<String> read = Http.get(cluster.replica.url("/rows"));

    assertThat(write.statusCode()).isEqualTo(201);
    assertThat(write.headers().firstValue("fly-replay")).isEmpty();
    assertThat(write.headers().firstValue("ReplicaFS-TXID")).hasValue("0000000000000001");
    assertThat(read.headers().firstValue("X-App")).hasValue("replica");
  }
}

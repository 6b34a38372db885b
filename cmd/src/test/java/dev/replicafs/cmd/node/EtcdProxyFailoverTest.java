package dev.replicafs.cmd.node;

import static dev.replicafs.cmd.node.ClusterRoles.awaitPrimary;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7: proxies on every node of an etcd cluster (same port, one loopback address per node),
 * each in front of a {@link RowApp}. A write sent to a replica's proxy while no primary is alive
 * gets 503 once {@code proxy.primary-redirect-timeout} has passed; writes resume through that same
 * proxy (never restarted) when a new primary is elected.
 */
class EtcdProxyFailoverTest {
  private static final String DB = "app.db";
  private static final Duration REDIRECT = Duration.ofSeconds(2);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir static Path root;

  @BeforeAll
  static void requireFuse() throws Exception {
    MountProcess.requireFuse();
  }

  @Test
  void replicaProxyAnswers503WithoutPrimaryAndResumesWhenOneIsElected() throws Exception {
    Path dir = root.resolve("proxy");
    int proxyPort = MountProcess.freePort();
    List<RowApp> apps = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        apps.add(new RowApp("node" + i, dir.resolve("node" + i).resolve("mnt").resolve(DB)));
      }
      LeaseSection etcd =
          LeaseSection.etcd(SharedEtcd.get().endpoint(), "/replicafs-test/proxy", 2, i -> i < 2);
      LeaseSection withProxy =
          (self, seed) ->
              etcd.yaml(self, seed)
                  + "proxy:\n  addr: \""
                  + self.host()
                  + ":"
                  + proxyPort
                  + "\"\n  target: \""
                  + apps.get(self.index()).target()
                  + "\"\n  db: \""
                  + DB
                  + "\"\n  primary-redirect-timeout: "
                  + REDIRECT.toSeconds()
                  + "s\n";
      try (Cluster c = Cluster.start(dir, 3, withProxy, "")) {
        run(c, "http://" + c.node(2).spec.host() + ":" + proxyPort + "/rows");
      }
    } finally {
      apps.forEach(RowApp::close);
    }
  }

  private static void run(Cluster c, String replicaProxy) throws Exception {
    ClusterNode replica = c.node(2); // the only non-candidate
    ClusterNode first = awaitPrimary(c.nodes());
    ClusterNode second = first == c.node(0) ? c.node(1) : c.node(0);
    Sqlite3.run(first.mnt().resolve(DB), "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);");
    c.awaitConverged(DB, first, c.nodes());
    assertWriteServedBy(replicaProxy, first);

    second.stop();
    first.kill();
    awaitNoPrimary(replica);
    Instant sent = Instant.now();
    HttpResponse<String> refused = post(replicaProxy);
    Duration waited = Duration.between(sent, Instant.now());
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
    assertThat(refused.body()).contains("no primary");
    assertThat(waited)
        .as("answered after primary-redirect-timeout")
        .isGreaterThanOrEqualTo(REDIRECT);

    second.start().awaitMounted();
    assertThat(awaitPrimary(List.of(second, replica))).isSameAs(second);
    assertWriteServedBy(replicaProxy, second);
    first.start().awaitMounted();
    assertThat(awaitPrimary(c.nodes())).isSameAs(second);
    ClusterRoles.assertIdentical(c, second, DB);
    assertThat(Sqlite3.run(replica.mnt().resolve(DB), "SELECT group_concat(v, ',') FROM t"))
        .isEqualTo(first.spec.name() + "," + second.spec.name());
  }

  /** A write through the proxy succeeds, executed by {@code primary}'s app on its mount. */
  private static void assertWriteServedBy(String url, ClusterNode primary) throws Exception {
    HttpResponse<String> r = post(url);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(primary.spec.name());
  }

  private static HttpResponse<String> post(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(90))
            .POST(HttpRequest.BodyPublishers.ofString("row"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Waits until {@code n} knows no primary (the dead one's lease expired). */
  private static void awaitNoPrimary(ClusterNode n) throws Exception {
    Instant deadline = Instant.now().plus(ClusterRoles.ELECTION);
    while (ClusterRoles.info(n).map(i -> !i.path("primary").isMissingNode()).orElse(true)) {
      assertThat(Instant.now()).as(n.spec.name() + " still names a primary").isBefore(deadline);
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }
}

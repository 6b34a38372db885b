package dev.replicafs.replication.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.replicafs.replication.http.NodeClient;
import dev.replicafs.replication.http.NodeHeaders;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.primary.ReplicaSession;
import dev.replicafs.replication.primary.StreamHub;
import dev.replicafs.replication.role.HandoffException;
import dev.replicafs.replication.store.SqliteWorkload;
import dev.replicafs.replication.store.SqliteWorkload.Mode;
import dev.replicafs.replication.stream.Ack;
import dev.replicafs.replication.stream.AckCodec;
import dev.replicafs.replication.stream.PositionMap;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The static lease through {@link ClusterNode}: the configured primary serves, the other node
 * replicates, and the role endpoints refuse what a static lease cannot do. Also the edges of {@code
 * POST /handoff}, {@code POST /promote} and {@code POST /stream/ack} over real HTTP.
 */
class ClusterNodeStaticTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir Path tmp;

  private static HttpResponse<String> post(URI base, String path, byte[] body, String nodeId)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (nodeId != null) {
      b.header(NodeHeaders.NODE_ID, nodeId);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theConfiguredPrimaryServesTheOtherReplicatesAndHandoffIsRefused() throws Exception {
    int pa = ClusterTestNode.freePort();
    int pb = ClusterTestNode.freePort();
    try (ClusterTestNode a =
            ClusterTestNode.fixed("node-a", 1, pa, "node-a", pa, tmp.resolve("a"));
        ClusterTestNode b =
            ClusterTestNode.fixed("node-b", 2, pb, "node-a", pa, tmp.resolve("b"))) {
      a.start();
      b.start();
      assertThat(a.node.awaitReady(WAIT)).isTrue();
      assertThat(a.isPrimary()).isTrue();
      assertThat(a.store.isPrimary()).isTrue();
      assertThat(b.node.awaitReady(WAIT)).isTrue();
      assertThat(b.isReplicaOf(a)).isTrue();
      try (SqliteWorkload w =
          SqliteWorkload.start(a.store.create("app.db"), tmp.resolve("w"), Mode.DELETE, 1, true)) {
        for (int i = 0; i < 10; i++) {
          w.randomTx();
        }
      }
      Await.until("b caught up", WAIT, () -> b.pos("app.db").equals(a.pos("app.db")));
      JsonNode info = b.client().info();
      assertThat(info.get("isPrimary").asBoolean()).isFalse();
      assertThat(info.get("candidate").asBoolean()).isFalse();
      assertThat(info.get("primary").get("hostname").asText()).isEqualTo("node-a");
      assertThat(a.client().info().get("isPrimary").asBoolean()).isTrue();

      URI ua = a.node.url();
      URI ub = b.node.url();
      HttpResponse<String> res = post(ua, "/handoff?nodeID=0000000000000002", new byte[0], null);
      assertThat(res.statusCode()).isEqualTo(409);
      assertThat(res.body())
          .contains("not a candidate")
          .doesNotContain("Exception")
          .hasLineCount(1);
      // a candidate replica (the plain static seam, which says ReplicaFS-Candidate: true): the
      // static lease itself refuses to move
      try (TestNode c = TestNode.open(tmp.resolve("c"), 3)) {
        c.node.becomeReplica(ClusterTestNode.info("node-a", pa));
        Await.until(
            "c streams from a",
            WAIT,
            () -> a.node.replication().server().streams().isConnectedReplica(3));
        res = post(ua, "/handoff?nodeID=0000000000000003", new byte[0], null);
        assertThat(res.statusCode()).isEqualTo(409);
        assertThat(res.body()).contains("static").doesNotContain("Exception").hasLineCount(1);
      }
      assertThat(a.isPrimary()).as("a refused handoff leaves a primary").isTrue();
      assertThat(a.store.isPrimary()).isTrue();

      res = post(ua, "/handoff?nodeID=00000000000000AB", new byte[0], null);
      assertThat(res.statusCode()).isEqualTo(409);
      assertThat(res.body()).contains("not a replica connected");
      res = post(ua, "/handoff?nodeID=xyz", new byte[0], null);
      assertThat(res.statusCode()).isEqualTo(400);
      res = post(ua, "/handoff", new byte[0], null);
      assertThat(res.statusCode()).isEqualTo(400);
      res = post(ub, "/handoff?nodeID=0000000000000001", new byte[0], null);
      assertThat(res.statusCode()).isEqualTo(503);
      assertThat(res.body()).contains("not the primary");
      res = post(ub, "/promote", new byte[0], null);
      assertThat(res.statusCode()).isEqualTo(409);
      assertThat(res.body()).contains("not a candidate");
      res = post(ua, "/promote", new byte[0], null);
      assertThat(res.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void theAckEndpointRecordsValidAcksAndRefusesGarbageUnknownStreamsAndOtherNodes()
      throws Exception {
    int pa = ClusterTestNode.freePort();
    int pb = ClusterTestNode.freePort();
    try (ClusterTestNode a =
            ClusterTestNode.fixed("node-a", 1, pa, "node-a", pa, tmp.resolve("a"));
        ClusterTestNode b =
            ClusterTestNode.fixed("node-b", 2, pb, "node-a", pa, tmp.resolve("b"))) {
      a.start();
      b.start();
      assertThat(b.node.awaitReady(WAIT)).isTrue();
      try (SqliteWorkload w =
          SqliteWorkload.start(a.store.create("app.db"), tmp.resolve("w"), Mode.DELETE, 2, true)) {
        w.randomTx();
      }
      Pos target = a.pos("app.db");
      Await.until("b caught up", WAIT, () -> b.pos("app.db").equals(target));
      Await.until(
          "b streams from a",
          WAIT,
          () -> a.node.replication().server().streams().connected(2).isPresent());
      // the real channel: flushTo returns once b acknowledged a's position
      a.node.replication().server().streams().flushTo(2, WAIT);

      URI ua = a.node.url();
      ReplicaSession session = openSession(a, 2);
      String ack = "/stream/ack?stream=" + session.id();
      String b2 = NodeHeaders.nodeId(2);
      byte[] valid = concat(AckCodec.preamble(), AckCodec.encode(Ack.applied("app.db", target)));

      assertThat(post(ua, "/stream/ack?stream=0123456789ABCDEF", valid, b2).statusCode())
          .isEqualTo(404);
      assertThat(post(ua, ack, valid, NodeHeaders.nodeId(3)).statusCode()).isEqualTo(409);
      assertThat(post(ua, "/stream/ack?stream=nope", valid, b2).statusCode()).isEqualTo(400);

      HttpResponse<String> res = post(ua, ack, "GET / HTTP/1.1\r\n".getBytes(), b2);
      assertThat(res.statusCode()).isEqualTo(400);
      assertThat(res.body()).contains("bad preamble").hasLineCount(1);
      byte[] huge = concat(AckCodec.preamble(), new byte[] {1, 0, 0, 0, 0x7f, -1, -1, -1});
      res = post(ua, ack, huge, b2);
      assertThat(res.statusCode()).isEqualTo(400);
      assertThat(res.body()).contains("outside");
      res = post(ua, ack, Arrays.copyOf(valid, valid.length - 3), b2);
      assertThat(res.statusCode()).isEqualTo(400);
      assertThat(res.body()).contains("ended inside");
      byte[] badName = concat(AckCodec.preamble(), AckCodec.encode(Ack.applied("a/b", target)));
      res = post(ua, ack, badName, b2);
      assertThat(res.statusCode()).isEqualTo(400);
      assertThat(res.body()).contains("invalid database name");
      res = post(ua, ack, valid, b2);
      assertThat(res.statusCode()).isEqualTo(200);
      assertThat(session.acked("app.db"))
          .hasValueSatisfying(x -> assertThat(x.applied()).isEqualTo(target));
    }
  }

  @Test
  void flushToFailsOnTimeoutAndAtOnceWhenTheReplicaStreamIsCut() throws Exception {
    int pa = ClusterTestNode.freePort();
    try (ClusterTestNode a =
        ClusterTestNode.fixed("node-a", 1, pa, "node-a", pa, tmp.resolve("a"))) {
      a.start();
      assertThat(a.node.awaitReady(WAIT)).isTrue();
      try (SqliteWorkload w =
          SqliteWorkload.start(a.store.create("app.db"), tmp.resolve("w"), Mode.DELETE, 3, true)) {
        w.randomTx();
      }
      // a replica that connects but never acknowledges (and never reads)
      NodeClient silent = new NodeClient(a.node.url(), 9, java.util.Optional.of(true));
      NodeClient.StreamResponse stream =
          silent.openStream(
              new PositionMap(new java.util.TreeMap<>()), java.util.Set.of(), a.store.clusterId());
      StreamHub hub = a.node.replication().server().streams();
      Await.until("node 9 connected", WAIT, () -> hub.isConnectedReplica(9));
      assertThatThrownBy(() -> hub.flushTo(9, Duration.ofMillis(300)))
          .isInstanceOfSatisfying(
              HandoffException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(HandoffException.Reason.FLUSH_FAILED);
                assertThat(e.getMessage()).contains("did not confirm");
              });
      CompletableFuture<Void> flush =
          CompletableFuture.runAsync(
              () -> {
                try {
                  hub.flushTo(9, Duration.ofMinutes(5));
                } catch (Exception e) {
                  throw new CompletionException(e);
                }
              });
      stream.body().close(); // the cut: the primary's next write fails and the session ends
      assertThatThrownBy(() -> flush.get(WAIT.toSeconds(), TimeUnit.SECONDS))
          .hasCauseInstanceOf(HandoffException.class)
          .hasMessageContaining("disconnected");
      assertThat(hub.isConnectedReplica(9)).isFalse();
    }
  }

  /** The session of the stream node {@code peer} has open on {@code primary}. */
  private static ReplicaSession openSession(ClusterTestNode primary, long peer) throws Exception {
    ReplicaSession[] found = new ReplicaSession[1];
    Await.until(
        "a stream from node " + peer,
        WAIT,
        () -> {
          found[0] = primary.node.replication().server().streams().connected(peer).orElse(null);
          return found[0] != null;
        });
    return found[0];
  }

  private static byte[] concat(byte[] x, byte[] y) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(x);
    out.writeBytes(y);
    return out.toByteArray();
  }
}

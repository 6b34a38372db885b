package dev.replicafs.replication.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replicafs.replication.http.HaltClient;
import dev.replicafs.replication.http.NodeApiException;
import dev.replicafs.replication.http.NodeHeaders;
import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.HaltGrant;
import dev.replicafs.replication.store.SqliteWorkload;
import dev.replicafs.replication.store.SqliteWorkload.Mode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The halt endpoints over real HTTP between two real nodes (docs/PROTOCOL.md, "The halt lock"): the
 * primary answers its position, verifies that a {@code /tx} comes from the node and halt ID that
 * hold the halt (LiteFS leaves this as a TODO), expires halts, and refuses bad requests; a
 * replica's store takes and releases the halt through the node's {@link HaltClient}.
 */
class HaltApiTest {
  private static final String DB = "app.db";
  @TempDir Path tmp;
  private TestNode primary;
  private TestNode replica;
  private Db db;
  private URI url;

  @BeforeEach
  void start() throws Exception {
    primary = TestNode.open(tmp.resolve("p"), 0x1A);
    replica = TestNode.open(tmp.resolve("r"), 0x2B);
    primary.node.becomePrimary();
    db = primary.store.create(DB);
    try (SqliteWorkload w = SqliteWorkload.start(db, tmp.resolve("w"), Mode.DELETE, 5, true)) {
      for (int i = 0; i < 3; i++) {
        w.randomTx();
      }
    }
    replica.node.becomeReplica(primary.info());
    ReplicationTest.awaitConverged(primary, DB, replica);
    url = URI.create(primary.info().advertiseUrl());
  }

  @AfterEach
  void stop() throws Exception {
    replica.close();
    primary.close();
  }

  @Test
  void onlyTheHolderOfTheHaltMayCommit() throws Exception {
    HaltClient holder = new HaltClient(url, replica.id, replica.store);
    HaltGrant g = holder.acquire(DB, 42);
    assertThat(g.pos()).isEqualTo(db.pos());
    assertThat(g.ttl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(primary.node.server().halts().holder(DB)).contains(NodeHeaders.nodeId(replica.id));
    assertThat(holder.acquire(DB, 42).pos()).as("a retried acquire renews").isEqualTo(db.pos());
    Path body = Files.write(tmp.resolve("body.ltx"), new byte[] {1, 2, 3});
    HaltClient other = new HaltClient(url, 0x3C, replica.store);
    assertStatus(() -> other.commit(DB, 42, body), 409, "does not hold the halt lock");
    assertStatus(() -> holder.commit(DB, 43, body), 409, "does not hold the halt lock");
    assertStatus(() -> holder.commit(DB, 42, body), 409, "transaction refused");
    holder.release(DB, 42);
    assertThat(primary.node.server().halts().holder(DB)).isEmpty();
    assertStatus(() -> holder.commit(DB, 42, body), 409, "expired or released");
    holder.release(DB, 42);
  }

  @Test
  void thePrimaryExpiresAnIdleHalt() throws Exception {
    primary.node.server().halts().ttl(Duration.ofMillis(500));
    HaltClient holder = new HaltClient(url, replica.id, replica.store);
    assertThat(holder.acquire(DB, 7).ttl()).isEqualTo(Duration.ofMillis(500));
    Await.until(
        "halt expired",
        Duration.ofSeconds(10),
        () -> primary.node.server().halts().holder(DB).isEmpty());
    Path body = Files.write(tmp.resolve("body.ltx"), new byte[] {1});
    assertStatus(() -> holder.commit(DB, 7, body), 409, "expired or released");
  }

  @Test
  void aReplicaStoreTakesAndReleasesTheHaltThroughItsPrimary() throws Exception {
    Db local = replica.db(DB);
    assertThat(local.isWritable()).isFalse();
    assertThat(local.acquireHalt(99, true)).isTrue();
    assertThat(local.isWritable()).isTrue();
    assertThat(local.pos()).isEqualTo(db.pos());
    assertThat(primary.node.server().halts().holder(DB)).contains(NodeHeaders.nodeId(replica.id));
    assertThat(local.acquireHalt(100, false)).as("another holder does not wait").isFalse();
    local.releaseHalt(100);
    assertThat(local.isWritable()).as("only the holder releases").isTrue();
    local.releaseHalt(99);
    assertThat(local.isWritable()).isFalse();
    assertThat(primary.node.server().halts().holder(DB)).isEmpty();
    assertThat(db.acquireHalt(5, true)).as("a no-op on the primary").isTrue();
  }

  @Test
  void badHaltRequestsAreRefused() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    assertThat(post(http, url, "/halt?name=app.db&id=1", null).statusCode()).isEqualTo(400);
    assertThat(post(http, url, "/halt?name=app.db&id=1", "000000000000001A").statusCode())
        .as("from itself")
        .isEqualTo(400);
    assertThat(post(http, url, "/halt?name=app.db&id=x", "000000000000002B").statusCode())
        .isEqualTo(400);
    assertThat(post(http, url, "/halt?name=nope.db&id=1", "000000000000002B").statusCode())
        .isEqualTo(404);
    URI replicaUrl = URI.create(replica.info().advertiseUrl());
    HttpResponse<String> r = post(http, replicaUrl, "/halt?name=app.db&id=1", "000000000000001A");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).contains("not the primary").doesNotContain("Exception");
  }

  private static HttpResponse<String> post(HttpClient http, URI base, String path, String node)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.noBody());
    if (node != null) {
      b.header(NodeHeaders.NODE_ID, node);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private interface Call {
    void run() throws Exception;
  }

  private static void assertStatus(Call call, int status, String message) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            NodeApiException.class, e -> assertThat(e.status()).isEqualTo(status))
        .hasMessageContaining(message);
  }
}

package dev.replicafs.cmd.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.replicafs.replication.ltx.Pos;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Who is primary in a test {@link Cluster} with a coordinated lease, as the nodes' {@code GET
 * /info} say; plus the node API calls that move the lease and the row checks the failover tests
 * share.
 */
final class ClusterRoles {
  static final Duration ELECTION = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private ClusterRoles() {}

  /** {@code /info} of {@code n}, empty when it does not answer 200 (dead, starting). */
  static Optional<JsonNode> info(ClusterNode n) {
    try {
      return Optional.of(JSON.readTree(n.info()));
    } catch (Exception | AssertionError e) {
      return Optional.empty();
    }
  }

  static boolean isPrimary(ClusterNode n) {
    return info(n).map(i -> i.path("isPrimary").asBoolean()).orElse(false);
  }

  static String nodeId(ClusterNode n) {
    return info(n).orElseThrow().path("nodeID").asText();
  }

  /**
   * Waits until exactly one node of {@code among} says it is primary and every other one names it
   * as its primary; returns it.
   */
  static ClusterNode awaitPrimary(List<ClusterNode> among) throws Exception {
    Instant deadline = Instant.now().plus(ELECTION);
    String last = "";
    while (Instant.now().isBefore(deadline)) {
      List<ClusterNode> primaries = new ArrayList<>();
      List<String> named = new ArrayList<>();
      for (ClusterNode n : among) {
        Optional<JsonNode> i = info(n);
        i.filter(j -> j.path("isPrimary").asBoolean()).ifPresent(j -> primaries.add(n));
        named.add(i.map(j -> j.path("primary").path("advertiseURL").asText("-")).orElse("down"));
      }
      last = "primaries=" + primaries.stream().map(p -> p.spec.name()).toList() + " named=" + named;
      if (primaries.size() == 1) {
        String url = primaries.get(0).spec.advertiseUrl();
        if (named.stream().allMatch(url::equals)) {
          return primaries.get(0);
        }
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
    return fail("no agreed primary within " + ELECTION + ": " + last);
  }

  /** {@code POST path} on {@code n}'s API; returns status and body. */
  static HttpResponse<String> post(ClusterNode n, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(n.spec.apiUrl() + path))
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The ids in table {@code t} of {@code db} (read with the sqlite3 CLI), ascending. */
  static List<Long> ids(Path db, String where) throws Exception {
    String out = Sqlite3.run(db, "SELECT id FROM t WHERE " + where + " ORDER BY id");
    return out.isEmpty() ? List.of() : out.lines().map(Long::parseLong).toList();
  }

  /** Integrity check ok on every node's mount. */
  static void assertIntegrity(List<ClusterNode> nodes, String db) throws Exception {
    for (ClusterNode n : nodes) {
      assertThat(Sqlite3.run(n.mnt().resolve(db), "PRAGMA integrity_check"))
          .as(n.spec.name() + " " + db)
          .isEqualTo("ok");
    }
  }

  /** Converged on {@code primary}'s position, byte-identical files, verified chains, integrity. */
  static Pos assertIdentical(Cluster c, ClusterNode primary, String db) throws Exception {
    return assertIdentical(c, primary, db, c.nodes());
  }

  /**
   * {@link #assertIdentical(Cluster, ClusterNode, String)}, verifying the LTX chains of {@code
   * chains} only (a test that damaged a node's LTX files on purpose leaves that node out).
   */
  static Pos assertIdentical(Cluster c, ClusterNode primary, String db, List<ClusterNode> chains)
      throws Exception {
    Pos pos = c.awaitConverged(db, primary, c.nodes());
    byte[] want = Files.readAllBytes(primary.dbDir(db).resolve("database"));
    for (ClusterNode n : c.nodes()) {
      awaitSameBytes(n, db, want); // an old primary rolls back a refused transaction in background
      if (chains.contains(n)) {
        LtxChain.verify(n.dbDir(db), pos);
      }
    }
    assertIntegrity(c.nodes(), db);
    return pos;
  }

  private static void awaitSameBytes(ClusterNode n, String db, byte[] want) throws Exception {
    Path file = n.dbDir(db).resolve("database");
    Instant deadline = Instant.now().plus(Cluster.CONVERGE);
    while (!java.util.Arrays.equals(Files.readAllBytes(file), want)
        && Instant.now().isBefore(deadline)) {
      TimeUnit.MILLISECONDS.sleep(50);
    }
    assertThat(Files.readAllBytes(file)).as(n.spec.name() + " database file").isEqualTo(want);
  }
}

package dev.replicafs.replication.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.replicafs.replication.halt.HaltConflictException;
import dev.replicafs.replication.halt.HaltTable;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.store.LtxApplyException;
import dev.replicafs.replication.store.Store;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code POST /halt}, {@code DELETE /halt} and {@code POST /tx} (docs/PROTOCOL.md, "The halt
 * lock"): primary only, from another node of the same cluster, translated onto the {@link
 * HaltTable}. A conflict (held by another node, not held, a file that does not continue the
 * position) is {@code 409}.
 */
final class HaltEndpoint {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Store store;
  private final HaltTable halts;
  private final String nodeId;

  HaltEndpoint(Store store, HaltTable halts, String nodeId) {
    this.store = store;
    this.halts = halts;
    this.nodeId = nodeId;
  }

  void acquire(HttpServerExchange exchange) throws Exception {
    Request r = request(exchange);
    HaltTable.Grant g;
    try {
      g = halts.acquire(r.name, r.peer, r.id);
    } catch (HaltConflictException e) {
      throw new ApiException(409, e.getMessage());
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("id", Long.toString(g.id()));
    out.set("pos", pos(g.pos()));
    out.put("ttlMillis", g.ttl().toMillis());
    out.put("expires", g.expires().toString());
    json(exchange, out);
  }

  void release(HttpServerExchange exchange) throws Exception {
    Request r = request(exchange);
    halts.release(r.name, r.peer, r.id);
  }

  void commit(HttpServerExchange exchange) throws Exception {
    Request r = request(exchange);
    Pos pos;
    try (InputStream in = exchange.getInputStream()) {
      pos = halts.commit(r.name, r.peer, r.id, in);
    } catch (HaltConflictException e) {
      throw new ApiException(409, e.getMessage());
    } catch (LtxApplyException e) {
      throw new ApiException(409, "transaction refused: " + e.getMessage());
    }
    json(exchange, pos(pos));
  }

  private record Request(String name, String peer, long id) {}

  private Request request(HttpServerExchange exchange) throws Exception {
    if (!store.isPrimary()) {
      throw new ApiException(503, "this node is not the primary; ask the primary for the halt");
    }
    String peer = exchange.getRequestHeaders().getFirst(NodeHeaders.NODE_ID);
    if (peer == null || !peer.matches("[0-9A-F]{16}")) {
      throw ApiException.badRequest(
          "missing or malformed " + NodeHeaders.NODE_ID + " header: the halt belongs to a node");
    }
    if (peer.equals(nodeId)) {
      throw ApiException.badRequest("the primary cannot halt itself (node " + nodeId + ")");
    }
    String theirs = exchange.getRequestHeaders().getFirst(NodeHeaders.CLUSTER_ID);
    String ours = store.clusterId().orElse(null);
    if (theirs != null && ours != null && !theirs.equals(ours)) {
      throw new ApiException(
          409, "cluster ID mismatch: this primary is in " + ours + ", the caller in " + theirs);
    }
    String name = Params.name(exchange);
    String raw = Params.single(exchange, "id");
    long id;
    try {
      id = Long.parseLong(raw == null ? "" : raw);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("query parameter id must be a decimal int64: " + raw);
    }
    return new Request(name, peer, id);
  }

  private static ObjectNode pos(Pos p) {
    ObjectNode n = JSON.createObjectNode();
    n.put("txID", String.format("%016x", p.txid()));
    n.put("postApplyChecksum", String.format("%016x", p.postApplyChecksum()));
    return n;
  }

  private static void json(HttpServerExchange exchange, ObjectNode body) throws Exception {
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    exchange.getOutputStream().write((body + "\n").getBytes(StandardCharsets.UTF_8));
  }
}

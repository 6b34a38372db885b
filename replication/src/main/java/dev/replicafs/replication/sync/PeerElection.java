package dev.replicafs.replication.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.replicafs.replication.http.NodeClient;
import dev.replicafs.replication.http.NodeHeaders;
import dev.replicafs.replication.http.NodeSecurity;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.role.ElectionStep;
import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.DiskFileOps;
import dev.replicafs.replication.store.Store;
import dev.replicafs.replication.stream.StreamFrame;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The election step of synchronous replication (docs/SYNC.md, "Election step"): before a candidate
 * acquires a free lease it reads the positions of the replicas the last primary announced (PEERS
 * frame: {@code k} and their advertise URLs) from their {@code GET /info}, adds its own, and asks
 * {@link ElectionRule}. With {@code replication.sync: none} it always allows and contacts nobody.
 *
 * <p>The latest announcement is saved in {@code <data>/sync-peers.json} ({@link PeerListFile}), so
 * a node restarted while there is no primary still applies the rule. Without any announcement (this
 * data directory never followed a primary that sent one) there is no {@code k} to apply the rule
 * to; the step then allows, with one WARN line, so a fresh cluster can elect its first primary.
 * Thread-safe: the replica client's thread announces, the role machine's owner thread asks.
 */
public final class PeerElection implements ElectionStep {
  private static final Logger log = LoggerFactory.getLogger(PeerElection.class);

  /** How long one peer's {@code /info} may take before it counts as unreachable. */
  static final Duration PEER_TIMEOUT = Duration.ofSeconds(2);

  private final long self;
  private final Store store;
  private final NodeSecurity security;
  private final PeerListFile file;
  private final Map<String, NodeClient> clients = new ConcurrentHashMap<>();
  private volatile SyncOptions.Mode mode = SyncOptions.Mode.NONE;
  private volatile Optional<StreamFrame.Peers> announced = Optional.empty();
  private boolean warnedUnannounced;

  /**
   * @param self this node's ID
   * @param store this node's store (its own positions)
   * @param security the cluster token and TLS to reach the peers' node API with
   */
  public PeerElection(long self, Store store, NodeSecurity security) {
    this.self = self;
    this.store = store;
    this.security = security;
    this.file = new PeerListFile(store.options().dataDir(), DiskFileOps.INSTANCE);
    try {
      announced = file.read();
    } catch (IOException e) {
      log.warn("election step: ignoring the saved replica list: error={}", e.getMessage());
    }
  }

  /** Applies the rule for {@code mode} from now on ({@code none}: never refuse). */
  public void mode(SyncOptions.Mode mode) {
    this.mode = mode;
  }

  /** The primary's latest PEERS announcement; saved when it differs from the last one. */
  public void announced(StreamFrame.Peers peers) {
    if (announced.equals(Optional.of(peers))) {
      return;
    }
    announced = Optional.of(peers);
    log.info("replicas announced: known={} listed={}", peers.known(), peers.peers().size());
    try {
      file.write(peers);
    } catch (IOException e) {
      log.warn(
          "election step: cannot save the replica list, a restart will forget it: file={} error={}",
          file.path(),
          e.toString());
    }
  }

  /** The latest announcement, if any (for tests and operators). */
  public Optional<StreamFrame.Peers> peers() {
    return announced;
  }

  @Override
  public Optional<String> refusal() throws InterruptedException {
    SyncOptions.Mode m = mode;
    if (m == SyncOptions.Mode.NONE) {
      return Optional.empty();
    }
    Optional<StreamFrame.Peers> list = announced;
    if (list.isEmpty()) {
      if (!warnedUnannounced) {
        warnedUnannounced = true;
        log.warn(
            "election step: no replica list was ever announced to this node (its data directory"
                + " has not followed a synchronous primary); acquiring without the rule: sync={}",
            m);
      }
      return Optional.empty();
    }
    Map<Long, Map<String, Pos>> positions = new HashMap<>();
    positions.put(self, own());
    List<String> unreachable = new ArrayList<>();
    for (StreamFrame.Peer peer : list.get().peers()) {
      if (peer.nodeId() == self) {
        continue;
      }
      try {
        positions.put(peer.nodeId(), positionsOf(peer));
      } catch (IOException | RuntimeException e) {
        unreachable.add(
            NodeHeaders.nodeId(peer.nodeId())
                + " at "
                + peer.advertiseUrl()
                + " ("
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                + ")");
      }
    }
    int k = Math.max(1, list.get().known());
    ElectionRule.Decision d = ElectionRule.decide(m, k, self, positions);
    if (d.mayAcquire()) {
      log.info("election step: may acquire: sync={} k={} {}", m, k, d.reason());
      return Optional.empty();
    }
    return Optional.of(
        d.reason()
            + (unreachable.isEmpty() ? "" : "; unreachable: " + String.join(", ", unreachable)));
  }

  private Map<String, Pos> own() {
    Map<String, Pos> out = new HashMap<>();
    for (Db db : store.dbs()) {
      out.put(db.name(), db.pos());
    }
    return out;
  }

  /** {@code GET /info} of {@code peer}: its positions, after checking it is that node. */
  private Map<String, Pos> positionsOf(StreamFrame.Peer peer)
      throws IOException, InterruptedException {
    NodeClient client =
        clients.computeIfAbsent(
            peer.advertiseUrl(), url -> new NodeClient(URI.create(url), self, security));
    JsonNode info = client.info(PEER_TIMEOUT);
    String id = info.path("nodeID").asText();
    if (!id.equals(NodeHeaders.nodeId(peer.nodeId()))) {
      throw new IOException(peer.advertiseUrl() + " answers as node " + id);
    }
    JsonNode dbs = info.path("positions");
    if (!dbs.isObject()) {
      throw new IOException(peer.advertiseUrl() + "/info has no positions (an older node?)");
    }
    Map<String, Pos> out = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = dbs.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(
          e.getKey(),
          new Pos(
              Long.parseUnsignedLong(e.getValue().path("txid").asText(), 16),
              Long.parseUnsignedLong(e.getValue().path("checksum").asText(), 16)));
    }
    return out;
  }
}

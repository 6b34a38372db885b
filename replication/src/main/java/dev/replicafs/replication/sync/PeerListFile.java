package dev.replicafs.replication.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.replicafs.replication.http.NodeHeaders;
import dev.replicafs.replication.store.FileOps;
import dev.replicafs.replication.stream.StreamFrame;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The last PEERS announcement this node received, kept across restarts in {@code
 * <data>/sync-peers.json} so that a node restarted while the cluster has no primary still applies
 * the election rule (docs/SYNC.md, "Election step"):
 *
 * <pre>
 * {"known":2,"peers":[{"nodeID":"0000000000000002","candidate":true,"advertiseURL":"http://…"}]}
 * </pre>
 *
 * Written atomically (temp file, fsync, rename, fsync directory) through the store's {@link
 * FileOps} seam.
 */
final class PeerListFile {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BYTES = 1 << 20;

  private final Path path;
  private final FileOps ops;

  PeerListFile(Path dataDir, FileOps ops) {
    this.path = dataDir.resolve("sync-peers.json");
    this.ops = ops;
  }

  Path path() {
    return path;
  }

  Optional<StreamFrame.Peers> read() throws IOException {
    if (!ops.exists("PEERS:EXISTS", path)) {
      return Optional.empty();
    }
    byte[] bytes;
    try (FileChannel ch = ops.open("PEERS:OPEN", path, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(ops.size("PEERS:SIZE", ch), MAX_BYTES));
      while (buf.hasRemaining() && ops.read("PEERS:READ", ch, buf, buf.position()) > 0) {
        // until full or end of file
      }
      bytes = java.util.Arrays.copyOf(buf.array(), buf.position());
    }
    try {
      JsonNode root = JSON.readTree(bytes);
      List<StreamFrame.Peer> peers = new ArrayList<>();
      for (JsonNode p : root.path("peers")) {
        peers.add(
            new StreamFrame.Peer(
                Long.parseUnsignedLong(p.path("nodeID").asText(), 16),
                p.path("candidate").asBoolean(),
                p.path("advertiseURL").asText()));
      }
      return Optional.of(new StreamFrame.Peers(root.path("known").asInt(), peers));
    } catch (IOException | RuntimeException e) {
      throw new IOException(
          "unreadable replica list "
              + path
              + " ("
              + e.getMessage()
              + "); delete it and the next primary will announce a new one",
          e);
    }
  }

  void write(StreamFrame.Peers peers) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("known", peers.known());
    ArrayNode list = root.putArray("peers");
    for (StreamFrame.Peer p : peers.peers()) {
      list.addObject()
          .put("nodeID", NodeHeaders.nodeId(p.nodeId()))
          .put("candidate", p.candidate())
          .put("advertiseURL", p.advertiseUrl());
    }
    Path tmp = path.resolveSibling("sync-peers.json.tmp");
    try (FileChannel ch =
        ops.open(
            "PEERS:OPEN_TMP",
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buf = ByteBuffer.wrap((root + "\n").getBytes(StandardCharsets.UTF_8));
      while (buf.hasRemaining()) {
        ops.write("PEERS:WRITE", ch, buf, buf.position());
      }
      ops.force("PEERS:FSYNC", ch);
    }
    ops.move("PEERS:RENAME", tmp, path);
    ops.syncDirectory("PEERS:FSYNC_DIR", path.getParent());
  }
}

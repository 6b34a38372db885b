package dev.replicafs.replication.http;

import java.util.HexFormat;

/** Header names and value formats shared by the node API server and client. */
public final class NodeHeaders {
  /** The sender's node ID, 16 uppercase hex digits. */
  public static final String NODE_ID = "ReplicaFS-Node-Id";

  /** The sender's cluster ID ({@code LFSC} + 16 uppercase hex), once it has one. */
  public static final String CLUSTER_ID = "ReplicaFS-Cluster-Id";

  /** The ID of a replication stream, for its acknowledgement request (16 uppercase hex). */
  public static final String STREAM_ID = "ReplicaFS-Stream-Id";

  /**
   * On {@code POST /stream}: whether the replica may take the lease ({@code true}/{@code false}).
   */
  public static final String CANDIDATE = "ReplicaFS-Candidate";

  /**
   * On {@code POST /stream}: the replica's node API URL ({@code lease.advertise-url}); sent only by
   * a replica with {@code replication.sync} on, which thereby asks for PEERS frames (docs/SYNC.md,
   * "Election step").
   */
  public static final String ADVERTISE_URL = "ReplicaFS-Advertise-Url";

  /**
   * On the response to {@code POST /stream}: milliseconds the replica may hold an acknowledgement
   * after the previous one it sent, to send only the newest per database; sent by a primary whose
   * commits do not wait for acknowledgements (docs/PROTOCOL.md, "Acknowledgements"). Absent: send
   * each at once.
   */
  public static final String ACK_DELAY = "ReplicaFS-Ack-Delay";

  /** Content type of the acknowledgement body of {@code POST /stream/ack}. */
  public static final String ACK_TYPE = "application/vnd.replicafs.ack";

  /** The TXID an export is consistent with, 16 lowercase hex digits. */
  public static final String TXID = "ReplicaFS-TXID";

  /** Content type of the replication stream. */
  public static final String STREAM_TYPE = "application/vnd.replicafs.stream";

  /** Content type of the position map. */
  public static final String POSITION_MAP_TYPE = "application/vnd.replicafs.position-map";

  private NodeHeaders() {}

  /** A node ID as it travels in headers. */
  public static String nodeId(long id) {
    return HexFormat.of().withUpperCase().toHexDigits(id);
  }
}

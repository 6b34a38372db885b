package dev.replicafs.replication.stream;

/**
 * One frame of the primary-to-replica stream (docs/PROTOCOL.md, "The stream").
 *
 * <p>The set is closed: a reader that meets any other type code refuses the stream.
 */
public sealed interface StreamFrame {

  /** The wire type code. */
  int type();

  /** An LTX file for {@code db} follows as a chunked body; {@code length} is 0 when unknown. */
  record Ltx(String db, long length) implements StreamFrame {
    public Ltx {
      WireNames.check(db);
      if (length < 0) {
        throw new IllegalArgumentException("ltx length must not be negative: " + length);
      }
    }

    @Override
    public int type() {
      return 1;
    }
  }

  /** The initial catch-up of every database is done. */
  record Ready() implements StreamFrame {
    @Override
    public int type() {
      return 2;
    }
  }

  /** The primary ends the stream cleanly. */
  record End() implements StreamFrame {
    @Override
    public int type() {
      return 3;
    }
  }

  /** The lease is handed to this replica, which acquires it with {@code token}. */
  record Handoff(String token) implements StreamFrame {
    public Handoff {
      if (token == null || token.isEmpty() || token.length() > 1024) {
        throw new IllegalArgumentException("handoff token must be 1..1024 characters");
      }
    }

    @Override
    public int type() {
      return 4;
    }
  }

  /** Sent each second of silence; carries the primary's wall clock for lag. */
  record Heartbeat(long primaryTimeMillis) implements StreamFrame {
    @Override
    public int type() {
      return 5;
    }
  }

  /**
   * The replicas this primary knows (docs/PROTOCOL.md, "PEERS"), sent only to a replica that asked
   * for it ({@code ReplicaFS-Advertise-Url} on {@code POST /stream}): {@code known} is {@code k},
   * every replica with an open stream or one that ended within 10 minutes; {@code peers} are those
   * of them that gave an advertise URL (at most {@link #MAX_PEERS}).
   */
  record Peers(int known, java.util.List<Peer> peers) implements StreamFrame {
    /** The most entries one frame carries. */
    public static final int MAX_PEERS = 100;

    public Peers {
      peers = java.util.List.copyOf(peers);
      if (known < 0 || known > 0xFFFF) {
        throw new IllegalArgumentException("known replicas must be 0..65535: " + known);
      }
      if (peers.size() > MAX_PEERS) {
        throw new IllegalArgumentException("at most " + MAX_PEERS + " peers per frame");
      }
    }

    @Override
    public int type() {
      return 6;
    }
  }

  /** One known replica: its node ID, whether it may take the lease, its node API URL. */
  record Peer(long nodeId, boolean candidate, String advertiseUrl) {
    /** The longest advertise URL, in UTF-8 bytes. */
    public static final int MAX_URL = 512;

    public Peer {
      if (advertiseUrl == null
          || advertiseUrl.isEmpty()
          || advertiseUrl.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_URL) {
        throw new IllegalArgumentException("advertise URL must be 1.." + MAX_URL + " bytes");
      }
    }
  }
}

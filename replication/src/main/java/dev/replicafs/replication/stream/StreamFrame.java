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
}

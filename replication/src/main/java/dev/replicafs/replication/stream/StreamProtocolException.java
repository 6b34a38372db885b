package dev.replicafs.replication.stream;

import java.io.IOException;

/**
 * A peer sent bytes that are not a valid v1 stream or position map. The connection must be dropped;
 * nothing partially read may be used.
 */
public final class StreamProtocolException extends IOException {
  private static final long serialVersionUID = 1L;

  /** What was wrong, for metrics and tests. */
  public enum Kind {
    BAD_MAGIC,
    BAD_VERSION,
    UNKNOWN_TYPE,
    BAD_RESERVED_BITS,
    TOO_LARGE,
    BAD_CHECKSUM,
    TRUNCATED,
    BAD_PAYLOAD
  }

  private final Kind kind;

  public StreamProtocolException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}

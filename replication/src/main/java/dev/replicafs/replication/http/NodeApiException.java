package dev.replicafs.replication.http;

import java.io.IOException;

/** A node answered a request with an error status; the message is the node's own one line. */
public final class NodeApiException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public NodeApiException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }
}

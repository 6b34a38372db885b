package dev.replicafs.replication.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** A node answered a request with an error status; the message is the node's own one line. */
public final class NodeApiException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public NodeApiException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The most bytes of an error body read into the message. */
  static final int MAX_MESSAGE_BYTES = 4096;

  /**
   * The exception for {@code path} answered with {@code status}: the message is "PATH answered
   * STATUS: BODY", the body read (at most {@link #MAX_MESSAGE_BYTES}) and closed here.
   */
  static NodeApiException answered(String path, int status, InputStream body) throws IOException {
    String message;
    try (body) {
      message = new String(body.readNBytes(MAX_MESSAGE_BYTES), StandardCharsets.UTF_8).strip();
    }
    return new NodeApiException(status, path + " answered " + status + ": " + message);
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }
}

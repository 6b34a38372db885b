package dev.replicafs.replication.http;

/** A request the node refuses, with the HTTP status and the one-line message the caller sees. */
final class ApiException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;

  ApiException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  int status() {
    return status;
  }

  static ApiException badRequest(String message) {
    return new ApiException(400, message);
  }
}

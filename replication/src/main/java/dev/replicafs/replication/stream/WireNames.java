package dev.replicafs.replication.stream;

import java.nio.charset.StandardCharsets;

/** Bounds on database names as they travel on the wire (the store validates their content). */
final class WireNames {
  static final int MAX_BYTES = 255;

  private WireNames() {}

  static byte[] check(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("database name must not be empty");
    }
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_BYTES) {
      throw new IllegalArgumentException(
          "database name is " + bytes.length + " bytes; at most " + MAX_BYTES + " are allowed");
    }
    return bytes;
  }
}

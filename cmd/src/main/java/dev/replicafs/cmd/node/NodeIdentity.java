package dev.replicafs.cmd.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * This node's 64-bit ID, kept in {@code <data.dir>/id} as 16 uppercase hex digits (LiteFS keeps its
 * node ID in the data directory the same way): created at the first start, read afterwards, so the
 * ID survives restarts and differs between nodes sharing a machine.
 */
final class NodeIdentity {
  static final String FILE = "id";

  private NodeIdentity() {}

  static long load(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE);
    if (Files.exists(file)) {
      String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
      try {
        return Long.parseUnsignedLong(text, 16);
      } catch (NumberFormatException e) {
        throw new IOException(
            file + " does not hold a node ID (16 hex digits): delete it to get a new one", e);
      }
    }
    long id;
    do {
      id = new SecureRandom().nextLong();
    } while (id == 0);
    Path tmp = dataDir.resolve(FILE + ".tmp");
    Files.writeString(tmp, HexFormat.of().withUpperCase().toHexDigits(id) + "\n");
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    return id;
  }
}

package dev.replicafs.replication.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The cluster ID file {@code <data>/clusterid}: {@code "LFSC"} plus 16 uppercase hex digits and a
 * newline, as LiteFS writes it. Written atomically (temp file, fsync, rename, fsync directory).
 */
final class ClusterIdFile {
  static final Pattern FORMAT = Pattern.compile("LFSC[0-9A-F]{16}");

  private final Path path;
  private final FileOps ops;

  ClusterIdFile(Path dataDir, FileOps ops) {
    this.path = dataDir.resolve("clusterid");
    this.ops = ops;
  }

  Optional<String> read() throws IOException {
    if (!ops.exists("CLUSTERID:EXISTS", path)) {
      return Optional.empty();
    }
    try (FileChannel ch = ops.open("CLUSTERID:OPEN", path, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(ops.size("CLUSTERID:SIZE", ch), 256));
      ops.read("CLUSTERID:READ", ch, buf, 0);
      String id = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).trim();
      if (id.isEmpty()) {
        return Optional.empty();
      }
      if (!FORMAT.matcher(id).matches()) {
        throw new StoreException(
            "invalid cluster id in " + path + ": id=" + id + "; expected LFSC + 16 hex digits");
      }
      return Optional.of(id);
    }
  }

  void write(String id) throws IOException {
    if (!FORMAT.matcher(id).matches()) {
      throw new IllegalArgumentException("invalid cluster id: " + id);
    }
    Path tmp = path.resolveSibling("clusterid.tmp");
    try (FileChannel ch =
        ops.open(
            "CLUSTERID:OPEN_TMP",
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ops.write(
          "CLUSTERID:WRITE", ch, ByteBuffer.wrap((id + "\n").getBytes(StandardCharsets.UTF_8)), 0);
      ops.force("CLUSTERID:FSYNC", ch);
    }
    ops.move("CLUSTERID:RENAME", tmp, path);
    ops.syncDirectory("CLUSTERID:FSYNC_DIR", path.getParent());
  }
}

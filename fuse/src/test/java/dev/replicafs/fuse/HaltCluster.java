package dev.replicafs.fuse;

import dev.replicafs.replication.http.NodeClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * A primary and replicas, each a {@link HaltChildNode} process with its own mount, streaming over
 * loopback HTTP. Node 0 is the primary. Close stops them all.
 */
final class HaltCluster implements AutoCloseable {
  final List<NodeProcess> nodes = new ArrayList<>();
  final List<String> urls = new ArrayList<>();

  static HaltCluster start(Path base, int size) throws IOException {
    HaltCluster c = new HaltCluster();
    try {
      for (int i = 0; i < size; i++) {
        NodeProcess n =
            NodeProcess.start(
                HaltChildNode.class.getName(),
                base.resolve("n" + i + "/data"),
                base.resolve("n" + i + "/mnt"),
                Map.of(),
                String.valueOf(i + 1));
        c.nodes.add(n);
        c.urls.add(n.command("url"));
      }
      c.primary().command("primary");
      for (int i = 1; i < size; i++) {
        c.nodes.get(i).command("replica " + c.urls.get(0));
      }
      return c;
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  NodeProcess primary() {
    return nodes.get(0);
  }

  NodeProcess node(int i) {
    return nodes.get(i);
  }

  /** Waits (at most 20 s) until every node has {@code db} at the primary's position. */
  String awaitConverged(String db) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      String want = primary().command("pos " + db);
      boolean all = !want.equals("-");
      for (NodeProcess n : nodes) {
        all &= n.command("pos " + db).equals(want);
      }
      if (all) {
        return want;
      }
      if (System.nanoTime() - deadline > 0) {
        List<String> got = new ArrayList<>();
        for (NodeProcess n : nodes) {
          got.add(n.command("pos " + db));
        }
        throw new AssertionError("nodes did not converge on " + db + ": " + got);
      }
      LockSupport.parkNanos(20_000_000);
    }
  }

  /** The logical database of node {@code i} through {@code GET /export}. */
  byte[] export(int i, String db) throws IOException, InterruptedException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new NodeClient(URI.create(urls.get(i)), 99).export(db, out);
    return out.toByteArray();
  }

  /**
   * Takes the halt lock on {@code db} of node {@code i} through its mount: a POSIX write lock on
   * byte 72 of {@code <db>-lock} ({@code fcntl(F_SETLKW)}); closing releases it.
   */
  static AutoCloseable haltLock(NodeProcess node, String db) throws IOException {
    FileChannel ch =
        FileChannel.open(
            node.file(db + "-lock"), StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      FileLock lock = ch.lock(72, 1, false);
      return () -> {
        try {
          lock.release();
        } finally {
          ch.close();
        }
      };
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (int i = nodes.size() - 1; i >= 0; i--) {
      try {
        nodes.get(i).close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}

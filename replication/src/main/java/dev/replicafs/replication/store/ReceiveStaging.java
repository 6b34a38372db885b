package dev.replicafs.replication.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code <data>/receive/<name>/}: where a replica receives the first file of a database it does not
 * have yet, outside {@code dbs/}, so a broken stream leaves nothing in {@code dbs/} (see {@link
 * Store#receiveNew}). Labels {@code CREATE:*} and {@code OPEN:DELETE_STAGING}.
 */
final class ReceiveStaging {
  private static final Logger log = LoggerFactory.getLogger(ReceiveStaging.class);

  private final Path root;
  private final FileOps ops;

  ReceiveStaging(Path root, FileOps ops) {
    this.root = root;
    this.ops = ops;
  }

  /** Creates and returns the staging directory of {@code name}. */
  Path create(String name) throws IOException {
    Path dir = root.resolve(name);
    ops.createDirectories("CREATE:MKDIR", dir);
    return dir;
  }

  /**
   * Removes the staging directory of {@code name} if it is empty (its files were moved or deleted).
   */
  void remove(String name) {
    Path dir = root.resolve(name);
    for (Path p : List.of(dir.resolve("ltx"), dir)) {
      try {
        ops.deleteIfExists("CREATE:CLEANUP", p);
      } catch (IOException notEmpty) {
        log.debug("left directory in place: dir={} reason={}", p, notEmpty.toString());
      }
    }
  }

  /** Deletes everything an interrupted receive left (at open). */
  void removeAll() throws IOException {
    if (!ops.exists("OPEN:EXISTS", root)) {
      return;
    }
    List<Path> paths;
    try (var walk = Files.walk(root)) {
      paths = new ArrayList<>(walk.toList());
    }
    Collections.reverse(paths);
    for (Path p : paths) {
      ops.deleteIfExists("OPEN:DELETE_STAGING", p);
    }
  }
}

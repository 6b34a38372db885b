package dev.replicafs.fuse;

import dev.replicafs.replication.store.Store;
import dev.replicafs.replication.store.StoreOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Replays LTX files in order onto an empty store (no mount) and returns the database bytes. */
final class Replay {
  private Replay() {}

  static byte[] database(Path emptyDataDir, String db, List<Path> ltxFiles) throws IOException {
    return Files.readAllBytes(databaseFile(emptyDataDir, db, ltxFiles));
  }

  /** Replays as {@link #database} does and returns the path of the database file. */
  static Path databaseFile(Path emptyDataDir, String db, List<Path> ltxFiles) throws IOException {
    try (Store store = Store.builder(StoreOptions.defaults(emptyDataDir)).primary(false).open()) {
      for (Path ltx : ltxFiles) {
        try (InputStream in = Files.newInputStream(ltx)) {
          store.create(db).apply(in);
        }
      }
      return emptyDataDir.resolve("dbs").resolve(db).resolve("database");
    }
  }
}

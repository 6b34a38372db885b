package dev.replicafs.fuse;

import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.FileKind;
import dev.replicafs.replication.store.Store;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The mount root's listing, in LiteFS's order: {@code .lag}, {@code .primary} (only on a connected
 * replica), then for each database with a non-empty database file, sorted by name: {@code <db>},
 * {@code <db>-pos}, and {@code -journal}, {@code -shm}, {@code -wal} when they exist. {@code
 * <db>-lock} is never listed.
 */
final class DirectoryListing {
  private DirectoryListing() {}

  static List<String> names(Store store, MountStatus status) throws IOException {
    List<String> names = new ArrayList<>();
    names.add(NodeName.LAG_FILE);
    if (status.connectedPrimary().isPresent()) {
      names.add(NodeName.PRIMARY_FILE);
    }
    for (Db db : store.dbs()) {
      if (!db.exists(FileKind.DATABASE) || db.size(FileKind.DATABASE) == 0) {
        continue;
      }
      names.add(db.name());
      names.add(NodeName.fileName(db.name(), NodeName.Type.POS));
      for (NodeName.Type t :
          new NodeName.Type[] {NodeName.Type.JOURNAL, NodeName.Type.SHM, NodeName.Type.WAL}) {
        if (db.exists(t.fileKind())) {
          names.add(NodeName.fileName(db.name(), t));
        }
      }
    }
    return names;
  }
}

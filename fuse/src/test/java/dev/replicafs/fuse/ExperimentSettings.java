package dev.replicafs.fuse;

import dev.replicafs.replication.store.FatalHandler;
import java.nio.file.Path;

/**
 * Lets the coherence experiment switch the invalidation mechanism of a child node through the
 * environment ({@code REPLICAFS_SHM_REFRESH=WRITE_THROUGH|INVALIDATE|NONE}, {@code
 * REPLICAFS_DB_PAGES=true|false}); production always uses the defaults.
 */
final class ExperimentSettings {
  private ExperimentSettings() {}

  static MountInvalidator invalidator(Path mnt, FatalHandler fatal) {
    String shm = System.getenv().getOrDefault("REPLICAFS_SHM_REFRESH", "WRITE_THROUGH");
    boolean pages =
        Boolean.parseBoolean(System.getenv().getOrDefault("REPLICAFS_DB_PAGES", "true"));
    return new MountInvalidator(
        new KernelCache(mnt), fatal, MountInvalidator.ShmRefresh.valueOf(shm), pages);
  }
}

package dev.replicafs.replication.store;

/**
 * Tells the layer above (the FUSE file system) that the store changed file contents behind its
 * back, through apply on a replica or startup recovery, so it can drop cached pages, the cached WAL
 * index and cached directory entries. Implementations must not call back into the store.
 */
public interface Invalidator {
  /** Bytes {@code [offset, offset + length)} of the database file changed. */
  void invalidateDatabase(String db, long offset, long length);

  /** The shm (WAL index) of the database was rewritten. */
  void invalidateShm(String db);

  /** A file of the database appeared or disappeared; {@code name} is the name in the mount. */
  void invalidateEntry(String name);

  /** An invalidator that does nothing, for a store without a mount. */
  Invalidator NONE =
      new Invalidator() {
        @Override
        public void invalidateDatabase(String db, long offset, long length) {}

        @Override
        public void invalidateShm(String db) {}

        @Override
        public void invalidateEntry(String name) {}
      };
}

package dev.replicafs.fuse;

import dev.replicafs.replication.store.FatalHandler;
import dev.replicafs.replication.store.Invalidator;
import java.io.IOException;
import java.util.Objects;

/**
 * The store's {@link Invalidator}, implemented with kernel notifications ({@link KernelCache}).
 *
 * <p>A failed invalidation would leave readers on this node serving stale pages without any error,
 * so it goes to the fatal handler, which stops the node.
 */
public final class MountInvalidator implements Invalidator {
  private final KernelCache cache;
  private final FatalHandler fatal;

  public MountInvalidator(KernelCache cache, FatalHandler fatal) {
    this.cache = Objects.requireNonNull(cache, "cache");
    this.fatal = Objects.requireNonNull(fatal, "fatal");
  }

  @Override
  public void invalidateDatabase(String db, long offset, long length) {
    run(db, "invalidate database pages", () -> cache.invalidateData(db, offset, length));
  }

  @Override
  public void invalidateShm(String db) {
    run(db, "invalidate wal index", () -> cache.invalidateData(db + "-shm", 0, 0));
  }

  @Override
  public void invalidateEntry(String name) {
    run(name, "invalidate entry", () -> cache.invalidateEntry(name));
  }

  /** Drops cached attributes of the root and of each database file after a role change. */
  void roleChanged(java.util.List<String> dbs) {
    run("", "invalidate root attributes", () -> cache.invalidateAttributes(""));
    for (String db : dbs) {
      run(db, "invalidate database attributes", () -> cache.invalidateAttributes(db));
    }
  }

  private interface Step {
    boolean run() throws IOException;
  }

  private void run(String db, String what, Step step) {
    if (!cache.attached()) {
      return;
    }
    try {
      step.run();
    } catch (IOException | RuntimeException e) {
      fatal.fatal(db, what, e);
    }
  }
}

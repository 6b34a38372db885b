package dev.replicafs.fuse;

import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.FatalHandler;
import dev.replicafs.replication.store.FileKind;
import dev.replicafs.replication.store.Invalidator;
import dev.replicafs.replication.store.Store;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;

/**
 * The store's {@link Invalidator}: keeps what SQLite readers on this node see through the kernel
 * equal to what the store wrote behind the kernel's back (see docs/FUSE.md, "Cache coherence").
 *
 * <ul>
 *   <li>Database pages and size: {@code fuse_lowlevel_notify_inval_inode} on the range ({@link
 *       KernelCache}). On a replica the database's cached pages are never dirty (writes are
 *       refused), so nothing is written back.
 *   <li>WAL index ({@code -shm}): SQLite readers map it shared, and their read marks make its pages
 *       dirty. Invalidating those pages would first write them back to the daemon, over the header
 *       the store just wrote. Instead the header the store wrote ({@value #SHM_HEADER} bytes) is
 *       written again <em>through the mount</em>: the kernel copies it into the very pages every
 *       reader maps (they see it at once) and passes it on to the store unchanged.
 *   <li>Names: {@code fuse_lowlevel_notify_inval_entry}.
 * </ul>
 *
 * Changes the store makes while serving a FUSE request of this mount (creating a database, dropping
 * it) are skipped: the kernel made that request and updates its own caches, and a notification from
 * inside the request could deadlock on the directory lock the kernel holds.
 *
 * <p>It is created before the {@link Store} (which takes it at build time) and {@link #bind bound}
 * to the store once that is open. Called by the store while it holds the database's own lock: every
 * path here only re-enters the store through calls that do not take it (lstat, shm writes).
 *
 * <p>A failed invalidation would leave readers serving stale pages without any error, so it goes to
 * the fatal handler, which stops the node.
 */
public final class MountInvalidator implements Invalidator {
  /** Bytes of the WAL-index header SQLite readers compare: two header copies and the ckpt info. */
  static final int SHM_HEADER = 136;

  /** How the WAL index is refreshed (the alternatives exist for the coherence experiment). */
  enum ShmRefresh {
    WRITE_THROUGH,
    INVALIDATE,
    NONE
  }

  private final KernelCache cache;
  private final FatalHandler fatal;
  private final ShmRefresh shmRefresh;
  private final boolean databasePages;
  private volatile Store store;

  /** The production invalidator for the mount at {@code mountPoint}. */
  public MountInvalidator(Path mountPoint, FatalHandler fatal) {
    this(new KernelCache(mountPoint), fatal, ShmRefresh.WRITE_THROUGH, true);
  }

  MountInvalidator(
      KernelCache cache, FatalHandler fatal, ShmRefresh shmRefresh, boolean databasePages) {
    this.cache = Objects.requireNonNull(cache, "cache");
    this.fatal = Objects.requireNonNull(fatal, "fatal");
    this.shmRefresh = shmRefresh;
    this.databasePages = databasePages;
  }

  /** Connects to the store whose shm headers {@link #invalidateShm} re-writes. */
  public void bind(Store store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  KernelCache cache() {
    return cache;
  }

  @Override
  public void invalidateDatabase(String db, long offset, long length) {
    if (databasePages) {
      run(db, "invalidate database pages", () -> cache.invalidateData(db, offset, length));
    }
  }

  @Override
  public void invalidateShm(String db) {
    switch (shmRefresh) {
      case WRITE_THROUGH -> run(db, "rewrite wal index header", () -> writeThrough(db));
      case INVALIDATE ->
          run(db, "invalidate wal index", () -> cache.invalidateData(db + "-shm", 0, 0));
      case NONE -> {}
    }
  }

  @Override
  public void invalidateEntry(String name) {
    run(name, "invalidate entry", () -> cache.invalidateEntry(name));
  }

  /** Drops cached attributes of the root and of each database file after a role change. */
  void roleChanged(List<String> dbs) {
    cache.forgetIds();
    run("", "invalidate root attributes", () -> cache.invalidateAttributes(""));
    for (String db : dbs) {
      run(db, "invalidate database attributes", () -> cache.invalidateAttributes(db));
    }
  }

  private boolean writeThrough(String name) throws IOException {
    Store s = store;
    if (s == null) {
      throw new IOException("invalidator not bound to a store");
    }
    Db db = s.db(name).orElse(null);
    if (db == null || !db.exists(FileKind.SHM)) {
      return false;
    }
    ByteBuffer header = ByteBuffer.allocate(SHM_HEADER);
    while (header.hasRemaining() && db.read(FileKind.SHM, header, header.position()) > 0) {
      // read the whole header the store wrote
    }
    header.flip();
    try (FileChannel ch =
        FileChannel.open(cache.mountPoint().resolve(name + "-shm"), StandardOpenOption.WRITE)) {
      while (header.hasRemaining()) {
        ch.write(header, header.position());
      }
    } catch (NoSuchFileException e) {
      return false;
    }
    return true;
  }

  private interface Step {
    boolean run() throws IOException;
  }

  private void run(String db, String what, Step step) {
    if (!cache.attached() || Callbacks.inRequest()) {
      return;
    }
    try {
      step.run();
    } catch (IOException | RuntimeException e) {
      fatal.fatal(db, what, e);
    }
  }
}

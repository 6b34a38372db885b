package dev.replicafs.fuse;

import dev.replicafs.replication.store.Invalidator;
import dev.replicafs.replication.store.Store;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * A mounted ReplicaFS: the file system, its live mount and the {@link Invalidator} the store must
 * be given. Closing unmounts (idempotent).
 */
public final class ReplicaMount implements AutoCloseable {
  private static final Duration MOUNT_TIMEOUT = Duration.ofSeconds(15);

  private final ReplicaFileSystem fs;
  private final FuseMount mount;
  private final MountInvalidator invalidator;
  private final Store store;
  private boolean closed;

  private ReplicaMount(
      Store store, ReplicaFileSystem fs, FuseMount mount, MountInvalidator invalidator) {
    this.store = store;
    this.fs = fs;
    this.mount = mount;
    this.invalidator = invalidator;
  }

  /**
   * Mounts {@code store} as described by {@code options}. {@code invalidator} is the one the store
   * was built with ({@code Store.builder(...).invalidator(invalidator)}), created for the same
   * mount point.
   */
  public static ReplicaMount mount(
      Store store,
      MountStatus status,
      MountOptions options,
      MountInvalidator invalidator,
      Clock clock)
      throws IOException {
    if (!invalidator.cache().mountPoint().equals(options.mountPoint())) {
      throw new IllegalArgumentException(
          "invalidator is for "
              + invalidator.cache().mountPoint()
              + ", not "
              + options.mountPoint());
    }
    invalidator.bind(store);
    ReplicaFileSystem fs = new ReplicaFileSystem(store, status, invalidator.cache(), clock);
    FuseMount mount = FuseMount.mount(fs, options, MOUNT_TIMEOUT);
    return new ReplicaMount(store, fs, mount, invalidator);
  }

  /** The mount point. */
  public Path mountPoint() {
    return mount.mountPoint();
  }

  /** What the store calls after changing files behind the kernel's back. */
  public Invalidator invalidator() {
    return invalidator;
  }

  /** The file system (request counts, kernel cache). */
  public ReplicaFileSystem fileSystem() {
    return fs;
  }

  /**
   * Tells the kernel that the node's role changed: modes shown for the root and the databases
   * depend on it (0777/0666 on the primary, 0555/0444 on a replica), and attributes are cached. The
   * composition root calls it after every role change. After {@link #close()} it does nothing:
   * libfuse's session is gone then, and a kernel notification would use freed memory.
   */
  public synchronized void roleChanged() {
    if (closed) {
      return;
    }
    invalidator.roleChanged(store.dbs().stream().map(db -> db.name()).toList());
  }

  /** Whether the mount is still listed by the kernel. */
  public boolean isMounted() {
    return mount.isMounted();
  }

  @Override
  public synchronized void close() throws IOException {
    closed = true;
    mount.close();
  }
}

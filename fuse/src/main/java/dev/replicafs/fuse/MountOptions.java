package dev.replicafs.fuse;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How the file system is mounted: the mount point and the kernel options that matter for SQLite.
 *
 * <p>The options always passed, and why:
 *
 * <ul>
 *   <li>{@code fsname=replicafs,subtype=replicafs}: the mount shows as {@code replicafs} of type
 *       {@code fuse.replicafs} in {@code /proc/mounts}, which is also how a stale mount is found.
 *   <li>{@code default_permissions}: the kernel checks the file modes (0444 on a replica) so no
 *       ACCESS round trip is needed.
 *   <li>{@code hard_remove}: an unlink reaches the daemon even while the file is still open (the
 *       kernel sends RELEASE asynchronously, so SQLite's close-then-delete of the journal races
 *       with it); without it libfuse renames the file to {@code .fuse_hiddenNNN} instead, which the
 *       flat namespace refuses, and SQLite reports SQLITE_IOERR_DELETE.
 *   <li>{@code big_writes}: writes up to 128 KiB reach the daemon in one request (a 64 KiB page is
 *       one WRITE instead of sixteen).
 *   <li>{@code attr_timeout}/{@code entry_timeout}: attributes and names are cached for this long;
 *       every change the store makes behind the kernel's back is invalidated explicitly (see {@link
 *       KernelCache}), so the timeouts only bound the staleness of the virtual files ({@code .lag},
 *       {@code .primary}). {@code negative_timeout=0} so a journal that was just deleted is never
 *       reported as still present, or the reverse.
 *   <li>{@code auto_unmount} (optional): {@code fusermount} unmounts when this process dies, even
 *       by SIGKILL.
 * </ul>
 *
 * The loop is always multithreaded (no {@code -s}): SQLite readers and writers in different
 * processes must make progress while another request blocks.
 *
 * @param mountPoint an existing, empty directory
 * @param allowOther let users other than the mounting one use the mount ({@code allow-other})
 * @param attrTimeout kernel attribute cache lifetime
 * @param entryTimeout kernel name cache lifetime
 * @param autoUnmount ask {@code fusermount} to unmount when the process dies
 * @param debug libfuse debug output on stderr (every request)
 */
public record MountOptions(
    Path mountPoint,
    boolean allowOther,
    Duration attrTimeout,
    Duration entryTimeout,
    boolean autoUnmount,
    boolean debug) {

  /** The file system name shown in {@code /proc/mounts}. */
  public static final String FS_NAME = "replicafs";

  public MountOptions {
    Objects.requireNonNull(mountPoint, "mountPoint");
    mountPoint = mountPoint.toAbsolutePath().normalize();
    requireNonNegative(attrTimeout, "attrTimeout");
    requireNonNegative(entryTimeout, "entryTimeout");
  }

  /** Defaults for a mount point: one-second caches, no allow-other, auto-unmount on. */
  public static MountOptions defaults(Path mountPoint) {
    return new MountOptions(
        mountPoint, false, Duration.ofSeconds(1), Duration.ofSeconds(1), true, false);
  }

  /** Returns a copy with {@code allow_other} set as given. */
  public MountOptions withAllowOther(boolean value) {
    return new MountOptions(mountPoint, value, attrTimeout, entryTimeout, autoUnmount, debug);
  }

  /** Returns a copy with the given attribute and entry cache lifetimes. */
  public MountOptions withTimeouts(Duration attr, Duration entry) {
    return new MountOptions(mountPoint, allowOther, attr, entry, autoUnmount, debug);
  }

  /** Returns a copy with libfuse debug output switched as given. */
  public MountOptions withDebug(boolean value) {
    return new MountOptions(mountPoint, allowOther, attrTimeout, entryTimeout, autoUnmount, value);
  }

  /** Returns a copy with auto-unmount switched as given. */
  public MountOptions withAutoUnmount(boolean value) {
    return new MountOptions(mountPoint, allowOther, attrTimeout, entryTimeout, value, debug);
  }

  /** The {@code -o} options handed to libfuse, in order. */
  List<String> libfuseArgs() {
    List<String> opts = new ArrayList<>();
    opts.add("fsname=" + FS_NAME);
    opts.add("subtype=" + FS_NAME);
    opts.add("default_permissions");
    opts.add("big_writes");
    opts.add("hard_remove");
    opts.add("attr_timeout=" + seconds(attrTimeout));
    opts.add("entry_timeout=" + seconds(entryTimeout));
    opts.add("negative_timeout=0");
    if (allowOther) {
      opts.add("allow_other");
    }
    if (autoUnmount) {
      opts.add("auto_unmount");
    }
    return List.of("-o", String.join(",", opts));
  }

  private static String seconds(Duration d) {
    return String.valueOf(d.toNanos() / 1e9);
  }

  private static void requireNonNegative(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative: " + d);
    }
  }
}

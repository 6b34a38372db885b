package dev.replicafs.fuse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.serce.jnrfuse.AbstractFuseFS;

/**
 * A live FUSE mount: mounting runs libfuse's multithreaded loop on a named thread and returns once
 * the kernel lists the mount; {@link #close()} unmounts and waits for the loop to end.
 *
 * <p>Lifecycle: {@code removeStale -> mount -> (serving) -> close}. A mount left behind by a
 * process that died is removed before mounting. Close is idempotent; when files are still open on
 * the mount it falls back to a lazy unmount (the kernel detaches the mount now and finishes when
 * the last file closes).
 */
public final class FuseMount implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FuseMount.class);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  private final MountOptions options;
  private final Thread loop;
  private final Runnable beforeUnmount;
  private final AtomicBoolean closed = new AtomicBoolean();

  private FuseMount(MountOptions options, Thread loop, Runnable beforeUnmount) {
    this.options = options;
    this.loop = loop;
    this.beforeUnmount = beforeUnmount;
  }

  /**
   * A file system that sends the kernel notifications ({@link KernelCache}) stops sending them
   * before this process unmounts: notifications in flight finish, and the cache closes its
   * descriptor instead of waiting for the destroy callback.
   */
  interface Notifying {
    void beforeUnmount();
  }

  /**
   * Mounts {@code fs} and returns once the mount is visible.
   *
   * @throws IOException when the mount point is missing, a stale mount cannot be removed, or the
   *     kernel refuses the mount within {@code timeout}
   */
  public static FuseMount mount(AbstractFuseFS fs, MountOptions options, Duration timeout)
      throws IOException {
    Path mp = options.mountPoint();
    MountTable.removeStale(mp);
    if (!Files.isDirectory(mp)) {
      throw new IOException("mount point " + mp + " is not a directory: create it first");
    }
    List<String> args = new ArrayList<>(options.libfuseArgs());
    CloseOnExec.markAll(); // fusermount, forked by libfuse, must not inherit sockets or files
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread loop =
        new Thread(
            () -> {
              try {
                fs.mount(mp, true, options.debug(), args.toArray(String[]::new));
              } catch (Throwable t) {
                failure.set(t);
              }
            },
            "replicafs-fuse-loop");
    loop.setDaemon(true);
    loop.start();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!isOurs(mp)) {
      if (!loop.isAlive() || System.nanoTime() > deadline) {
        Throwable t = failure.get();
        if (loop.isAlive()) {
          MountTable.unmount(mp);
        }
        throw new IOException(
            "fuse mount at " + mp + " failed" + (t == null ? " (timed out)" : ": " + t), t);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }
    log.info("mounted mountpoint={} options={}", mp, args.get(1));
    return new FuseMount(options, loop, fs instanceof Notifying n ? n::beforeUnmount : () -> {});
  }

  private static boolean isOurs(Path mp) {
    try {
      return MountTable.find(mp)
          .filter(e -> e.fsType().startsWith("fuse") && MountOptions.FS_NAME.equals(e.source()))
          .isPresent();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The mount point. */
  public Path mountPoint() {
    return options.mountPoint();
  }

  /** Whether the kernel still lists this mount. */
  public boolean isMounted() {
    return !closed.get() && isOurs(options.mountPoint());
  }

  /** Unmounts (lazily when busy) and waits up to ten seconds for the loop thread to end. */
  @Override
  public void close() throws IOException {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Path mp = options.mountPoint();
    beforeUnmount.run();
    if (isOurs(mp)) {
      MountTable.unmount(mp);
    }
    try {
      loop.join(CLOSE_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (loop.isAlive()) {
      log.warn("fuse loop still running after unmount mountpoint={}", mp);
    } else {
      log.info("unmounted mountpoint={}", mp);
    }
  }
}

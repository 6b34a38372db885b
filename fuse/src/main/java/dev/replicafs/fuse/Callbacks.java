package dev.replicafs.fuse;

import dev.replicafs.replication.store.DiskFullException;
import dev.replicafs.replication.store.InvalidWriteException;
import dev.replicafs.replication.store.NotFoundException;
import dev.replicafs.replication.store.ReadOnlyReplicaException;
import dev.replicafs.replication.store.WalWriteRefusedException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one edge where exceptions become errno values. jnr-fuse catches nothing: an exception that
 * escapes a callback would reach native code. Every callback body runs through {@link #run}.
 *
 * <p>Mapping: {@link ErrnoException} to its errno; {@link NoSuchFileException} to ENOENT; the
 * store's {@code NotFoundException} to ENOENT; its {@code ReadOnlyReplicaException} to EACCES
 * (SQLite reports SQLITE_READONLY for a refused journal creation); everything else to EIO, logged
 * once here with the operation and path.
 */
final class Callbacks {
  private static final Logger log = LoggerFactory.getLogger(Callbacks.class);

  /** A callback body. */
  @FunctionalInterface
  interface Body {
    int run() throws Exception;
  }

  private Callbacks() {}

  /** The JDK's message for ENOSPC (strerror), the only way it reports the errno. */
  private static final String DISK_FULL = "No space left on device";

  private static final ThreadLocal<boolean[]> IN_REQUEST =
      ThreadLocal.withInitial(() -> new boolean[1]);

  /**
   * Whether the current thread is serving a FUSE request. The kernel then already knows about the
   * change being made, and a notification sent from here could deadlock: the kernel may hold the
   * very inode or directory lock the notification needs until this request is answered.
   */
  static boolean inRequest() {
    return IN_REQUEST.get()[0];
  }

  /** Runs {@code body}; returns its result or {@code -errno}. */
  static int run(String op, String path, Body body) {
    boolean[] flag = IN_REQUEST.get();
    flag[0] = true;
    try {
      return body.run();
    } catch (ErrnoException e) {
      log.debug(
          "fuse refused op={} path={} errno={} reason={}", op, path, e.errno(), e.getMessage());
      return -e.errno();
    } catch (NoSuchFileException | NotFoundException e) {
      return -Errno.ENOENT;
    } catch (ReadOnlyReplicaException e) {
      log.debug("fuse read-only refusal op={} path={}", op, path);
      return -Errno.EACCES;
    } catch (WalWriteRefusedException | InvalidWriteException e) {
      log.warn("fuse write refused op={} path={} reason={}", op, path, e.getMessage());
      return -Errno.EIO;
    } catch (DiskFullException e) {
      log.warn("fuse write refused, disk full: op={} path={} reason={}", op, path, e.getMessage());
      return -Errno.ENOSPC;
    } catch (IOException e) {
      if (DISK_FULL.equals(e.getMessage())) {
        log.warn("fuse operation failed, disk full: op={} path={}", op, path);
        return -Errno.ENOSPC;
      }
      log.error("fuse operation failed op={} path={}", op, path, e);
      return -Errno.EIO;
    } catch (Throwable t) {
      log.error("fuse operation failed op={} path={}", op, path, t);
      return -Errno.EIO;
    } finally {
      flag[0] = false;
    }
  }
}

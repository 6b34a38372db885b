package dev.replicafs.fuse;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import jnr.ffi.LibraryLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marks every open descriptor of this process close-on-exec before libfuse forks {@code
 * fusermount}. The JVM opens files and sockets without {@code FD_CLOEXEC} (its own process launcher
 * closes them in the child), but libfuse forks and execs {@code fusermount} from native code, and
 * with {@code auto_unmount} that process lives as long as the mount: it held the node API's
 * listening socket and the open database files, so a node that hung on its way out kept its port
 * taken. Descriptors 0-2 are left alone.
 */
final class CloseOnExec {
  private static final Logger log = LoggerFactory.getLogger(CloseOnExec.class);
  private static final int F_GETFD = 1;
  private static final int F_SETFD = 2;
  private static final int FD_CLOEXEC = 1;

  /** The one libc call needed. */
  public interface LibC {
    int fcntl(int fd, int cmd, int arg);
  }

  private CloseOnExec() {}

  /** Sets {@code FD_CLOEXEC} on every descriptor above 2; returns how many were changed. */
  static int markAll() {
    LibC libc;
    try {
      libc = LibraryLoader.create(LibC.class).failImmediately().load("c");
    } catch (RuntimeException | LinkageError e) {
      log.warn("cannot load libc to mark descriptors close-on-exec: {}", e.toString());
      return 0;
    }
    int changed = 0;
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path p : fds) {
        int fd;
        try {
          fd = Integer.parseInt(p.getFileName().toString());
        } catch (NumberFormatException e) {
          continue;
        }
        if (fd <= 2) {
          continue;
        }
        int flags = libc.fcntl(fd, F_GETFD, 0);
        if (flags >= 0
            && (flags & FD_CLOEXEC) == 0
            && libc.fcntl(fd, F_SETFD, flags | FD_CLOEXEC) == 0) {
          changed++;
        }
      }
    } catch (IOException e) {
      log.warn("cannot list /proc/self/fd to mark descriptors close-on-exec: {}", e.toString());
    }
    return changed;
  }
}

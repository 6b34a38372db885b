package dev.replicafs.cmd.halt;

import dev.replicafs.cmd.CliException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the halt lock of a database in the mount while a command runs: a write lock on byte 72 of
 * {@code <db>-lock}, taken through the mount with {@link FileChannel#lock} (a classic POSIX {@code
 * fcntl(F_SETLKW)} lock; LiteFS's client library takes an OFD lock on the same byte, and the mount
 * treats both alike, docs/LOCKS.md). The command runs with stdin, stdout and stderr attached;
 * afterwards the lock is released (unlock, then close) and the command's exit code is returned.
 *
 * <p>The composition root calls {@link #run} from {@code Actions.run} when {@code
 * -with-halt-lock-on} is given; it needs no node API client, only the mount.
 */
public final class HaltLockRunner {
  private static final Logger log = LoggerFactory.getLogger(HaltLockRunner.class);

  /** The byte LiteFS's halt lock covers. */
  public static final long HALT_BYTE = 72;

  private HaltLockRunner() {}

  /**
   * Takes the halt lock on {@code database} (a database path in the mount, e.g. {@code
   * /litefs/app.db}), runs {@code command}, releases the lock and returns the command's exit code.
   *
   * @throws CliException if the lock cannot be taken or the command cannot start
   */
  public static int run(Path database, List<String> command) throws InterruptedException {
    if (command.isEmpty()) {
      throw new CliException("replicafs run: no command to run under the halt lock");
    }
    Path lockFile = lockFile(database);
    try (FileChannel ch =
            FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock = take(ch, lockFile)) {
      log.info("halt lock held: db={}", database);
      Process p;
      try {
        p = new ProcessBuilder(command).inheritIO().start();
      } catch (IOException e) {
        throw new CliException(
            "replicafs run: cannot start " + command.get(0) + ": " + e.getMessage(), e);
      }
      int code = p.waitFor();
      log.info("halt lock released: db={} exit={}", database, code);
      return code;
    } catch (IOException e) {
      throw new CliException(
          "replicafs run: cannot use the halt lock " + lockFile + ": " + e.getMessage(), e);
    }
  }

  /** {@code <db>-lock} next to the database in the mount. */
  public static Path lockFile(Path database) {
    Path name = database.getFileName();
    if (name == null) {
      throw new CliException("-with-halt-lock-on needs a database path, got " + database);
    }
    return database.resolveSibling(name + "-lock");
  }

  private static FileLock take(FileChannel ch, Path lockFile) throws IOException {
    try {
      return ch.lock(HALT_BYTE, 1, false);
    } catch (IOException e) {
      throw new IOException(
          "halt lock refused (is the node connected to a primary?): " + e.getMessage(), e);
    }
  }
}

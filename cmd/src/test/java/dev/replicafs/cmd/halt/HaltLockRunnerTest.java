package dev.replicafs.cmd.halt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replicafs.cmd.CliException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HaltLockRunner} on a plain directory (the mount's halt semantics are tested with real
 * nodes in the fuse module's {@code HaltLockTest}, which takes the same byte-72 lock the same way):
 * the lock on byte 72 of {@code <db>-lock} is held exactly while the command runs, and the
 * command's exit code is returned.
 */
class HaltLockRunnerTest {
  @TempDir Path tmp;

  @Test
  void holdsByte72WhileTheCommandRunsAndReturnsItsExitCode() throws Exception {
    Path db = tmp.resolve("app.db");
    Files.createFile(tmp.resolve("app.db-lock"));
    Path started = tmp.resolve("started");
    Path stop = tmp.resolve("stop");
    String script =
        "touch '" + started + "'; while [ ! -e '" + stop + "' ]; do sleep 0.02; done; exit 7";
    ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "halt-run-test"));
    try (FileChannel probe =
        FileChannel.open(
            tmp.resolve("app.db-lock"), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      Future<Integer> code = pool.submit(() -> HaltLockRunner.run(db, List.of("sh", "-c", script)));
      awaitFile(started);
      assertThatThrownBy(() -> probe.tryLock(72, 1, false))
          .as("byte 72 is locked by the runner while the command runs")
          .isInstanceOf(OverlappingFileLockException.class);
      Files.createFile(stop);
      assertThat(code.get(30, TimeUnit.SECONDS)).isEqualTo(7);
      try (FileLock after = probe.tryLock(72, 1, false)) {
        assertThat(after).as("released after the command").isNotNull();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aMissingLockFileIsAClearError() {
    assertThatThrownBy(() -> HaltLockRunner.run(tmp.resolve("nope.db"), List.of("true")))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("nope.db-lock");
  }

  @Test
  void theLockFileSitsNextToTheDatabase() {
    assertThat(HaltLockRunner.lockFile(Path.of("/litefs/app.db")))
        .isEqualTo(Path.of("/litefs/app.db-lock"));
  }

  private static void awaitFile(Path p) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!Files.exists(p)) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("the command did not start: " + p);
      }
      LockSupport.parkNanos(10_000_000);
    }
  }
}

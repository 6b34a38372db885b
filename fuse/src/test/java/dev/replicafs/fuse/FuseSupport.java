package dev.replicafs.fuse;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.security.auth.module.UnixSystem;
import java.nio.file.Files;
import java.nio.file.Path;

/** Prerequisites of the mount tests: root, /dev/fuse, fusermount, the sqlite3 CLI. */
final class FuseSupport {
  private FuseSupport() {}

  /** Fails in CI, skips elsewhere, when FUSE cannot be mounted here. */
  static void requireFuse() {
    require(new UnixSystem().getUid() == 0, "tests that mount FUSE must run as root");
    require(Files.exists(Path.of("/dev/fuse")), "/dev/fuse is missing: install fuse (libfuse2)");
    require(
        Files.isExecutable(Path.of("/usr/bin/fusermount"))
            || Files.isExecutable(Path.of("/bin/fusermount")),
        "fusermount is missing: apt-get install fuse");
  }

  /** Fails in CI, skips elsewhere, when the sqlite3 command is missing. */
  static void requireSqliteCli() {
    require(
        Files.isExecutable(Path.of("/usr/bin/sqlite3")),
        "the sqlite3 command is missing: apt-get install sqlite3");
  }

  private static void require(boolean ok, String what) {
    if ("true".equals(System.getenv("CI"))) {
      if (!ok) {
        fail(what);
      }
    } else {
      assumeTrue(ok, what);
    }
  }
}

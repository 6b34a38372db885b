package dev.replicafs.replication.store;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Locates the shared fixtures folder: the first of the system property {@code replicafs.shared},
 * the environment variable {@code REPLICAFS_SHARED}, {@code ../shared} and {@code ../../shared}
 * that holds the fixture. In CI a missing folder fails the test; elsewhere the test is skipped with
 * a message.
 */
final class SharedFixtures {
  private SharedFixtures() {}

  /** The fixture at {@code relative} under the shared folder, or a failure/skip if absent. */
  static Path require(String relative) {
    List<Path> roots = new ArrayList<>();
    String configured = System.getProperty("replicafs.shared");
    if (configured != null) {
      roots.add(Path.of(configured));
    }
    String env = System.getenv("REPLICAFS_SHARED");
    if (env != null) {
      roots.add(Path.of(env));
    }
    roots.add(Path.of("..", "shared"));
    roots.add(Path.of("..", "..", "shared"));
    Path path = roots.get(0).resolve(relative);
    for (Path root : roots) {
      if (Files.exists(root.resolve(relative))) {
        return root.resolve(relative);
      }
    }
    String message =
        "shared fixture "
            + path.toAbsolutePath()
            + " is missing: check out the shared/ folder beside the repository"
            + " (or set -Dreplicafs.shared)";
    if ("true".equals(System.getenv("CI"))) {
      fail(message);
    }
    assumeTrue(false, message);
    return path;
  }
}

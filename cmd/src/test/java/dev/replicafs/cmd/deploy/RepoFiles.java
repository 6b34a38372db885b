package dev.replicafs.cmd.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository root (surefire passes it as {@code replicafs.repo}). */
final class RepoFiles {
  private RepoFiles() {}

  static Path root() {
    String property = System.getProperty("replicafs.repo");
    if (property != null && Files.isDirectory(Path.of(property, "deploy"))) {
      return Path.of(property);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("deploy")) && Files.isDirectory(p.resolve("cmd"))) {
        return p;
      }
    }
    throw new IllegalStateException("cannot find the repository root (no deploy/ and cmd/ above)");
  }

  static Path deploy(String relative) {
    return root().resolve("deploy").resolve(relative);
  }
}

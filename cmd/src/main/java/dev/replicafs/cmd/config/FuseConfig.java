package dev.replicafs.cmd.config;

import java.nio.file.Path;

/**
 * The {@code fuse} section.
 *
 * @param dir the mount point the application uses
 * @param allowOther mount with {@code allow_other} so users other than the mounting one can use it
 *     (needs {@code user_allow_other} in /etc/fuse.conf)
 * @param debug log every FUSE request
 */
public record FuseConfig(Path dir, boolean allowOther, boolean debug) {
  public static final Path DEFAULT_DIR = Path.of("/litefs");

  public FuseConfig {
    if (dir == null || dir.toString().isBlank()) {
      throw new ConfigException("fuse.dir", "fuse.dir must not be empty, e.g. /litefs");
    }
  }

  /** LiteFS's defaults. */
  public static FuseConfig defaults() {
    return new FuseConfig(DEFAULT_DIR, false, false);
  }

  /** This section with {@code debug} replaced (the {@code -fuse.debug} flag). */
  public FuseConfig withDebug(boolean value) {
    return new FuseConfig(dir, allowOther, value);
  }
}

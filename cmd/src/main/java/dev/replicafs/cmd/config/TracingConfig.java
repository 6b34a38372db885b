package dev.replicafs.cmd.config;

/**
 * The {@code tracing} section: a rolling on-disk trace log of every operation (debugging only).
 *
 * @param enabled only effective when {@code path} is set
 * @param path trace file; empty disables the file
 * @param maxSize roll size in megabytes
 * @param maxCount rolled files kept
 * @param compress gzip rolled files
 */
public record TracingConfig(
    boolean enabled, String path, int maxSize, int maxCount, boolean compress) {
  public static final int DEFAULT_MAX_SIZE = 64;
  public static final int DEFAULT_MAX_COUNT = 8;

  public TracingConfig {
    path = Checks.text(path);
    if (maxSize <= 0) {
      throw new ConfigException(
          "tracing.max-size", "tracing.max-size must be a positive number of megabytes, e.g. 64");
    }
    if (maxCount < 0) {
      throw new ConfigException(
          "tracing.max-count", "tracing.max-count must not be negative, e.g. 8");
    }
  }

  /** LiteFS's defaults. */
  public static TracingConfig defaults() {
    return new TracingConfig(true, "", DEFAULT_MAX_SIZE, DEFAULT_MAX_COUNT, true);
  }

  /** True when a trace file will be written. */
  public boolean writesFile() {
    return enabled && !path.isEmpty();
  }
}

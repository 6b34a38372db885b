package dev.replicafs.cmd.config;

/**
 * The {@code log} section.
 *
 * @param format text or json on stderr
 * @param timestamp include a timestamp in each line
 * @param debug debug level
 */
public record LogConfig(LogFormat format, boolean timestamp, boolean debug) {
  public LogConfig {
    Checks.present(format, "log.format");
  }

  /** LiteFS's defaults. */
  public static LogConfig defaults() {
    return new LogConfig(LogFormat.TEXT, false, false);
  }

  /** This section with {@code debug} replaced (the {@code -debug} flag). */
  public LogConfig withDebug(boolean value) {
    return new LogConfig(format, timestamp, value);
  }
}

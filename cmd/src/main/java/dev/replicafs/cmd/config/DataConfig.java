package dev.replicafs.cmd.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code data} section: where databases and LTX files are kept and how long LTX files are
 * retained.
 *
 * @param dir internal storage; must be on a persistent volume
 * @param compress LZ4-compress LTX page blocks
 * @param retention minimum age before an LTX file may be deleted (the newest is always kept)
 * @param retentionMonitorInterval how often retention runs; zero disables it
 * @param retentionMaxBytes upper bound on the LTX files kept per database, oldest deleted first
 *     (still never the newest); zero means no bound (ReplicaFS extension)
 */
public record DataConfig(
    Path dir,
    boolean compress,
    Duration retention,
    Duration retentionMonitorInterval,
    long retentionMaxBytes) {
  public static final Path DEFAULT_DIR = Path.of("/var/lib/litefs");
  public static final Duration DEFAULT_RETENTION = Duration.ofMinutes(10);
  public static final Duration DEFAULT_RETENTION_MONITOR_INTERVAL = Duration.ofMinutes(1);

  public DataConfig {
    if (dir == null || dir.toString().isBlank()) {
      throw new ConfigException("data.dir", "data.dir must not be empty, e.g. /var/lib/replicafs");
    }
    Checks.notNegative(retention, "data.retention");
    Checks.notNegative(retentionMonitorInterval, "data.retention-monitor-interval");
    if (retentionMaxBytes < 0) {
      throw new ConfigException(
          "data.retention-max-bytes",
          "data.retention-max-bytes must not be negative: use 0 for no bound");
    }
  }

  /** LiteFS's defaults. */
  public static DataConfig defaults() {
    return new DataConfig(
        DEFAULT_DIR, true, DEFAULT_RETENTION, DEFAULT_RETENTION_MONITOR_INTERVAL, 0);
  }
}

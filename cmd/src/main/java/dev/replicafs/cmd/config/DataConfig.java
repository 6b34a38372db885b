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
 * @param ltxInterval least time between the starts of two LTX files of one database's WAL commits;
 *     the commits of the wait share a file (ReplicaFS extension; docs/ARCHITECTURE.md)
 */
public record DataConfig(
    Path dir,
    boolean compress,
    Duration retention,
    Duration retentionMonitorInterval,
    long retentionMaxBytes,
    Duration ltxInterval) {
  public static final Path DEFAULT_DIR = Path.of("/var/lib/litefs");
  public static final Duration DEFAULT_RETENTION = Duration.ofMinutes(10);
  public static final Duration DEFAULT_RETENTION_MONITOR_INTERVAL = Duration.ofMinutes(1);
  public static final Duration DEFAULT_LTX_INTERVAL = Duration.ofMillis(1);

  /** The largest {@code data.ltx-interval}: it adds up to that much replication lag. */
  public static final Duration MAX_LTX_INTERVAL = Duration.ofSeconds(1);

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
    Checks.notNegative(ltxInterval, "data.ltx-interval");
    if (ltxInterval.compareTo(MAX_LTX_INTERVAL) > 0) {
      throw new ConfigException(
          "data.ltx-interval",
          "data.ltx-interval must be at most 1s (it delays replication by up to that much); the"
              + " default is 1ms");
    }
  }

  /** LiteFS's defaults. */
  public static DataConfig defaults() {
    return new DataConfig(
        DEFAULT_DIR,
        true,
        DEFAULT_RETENTION,
        DEFAULT_RETENTION_MONITOR_INTERVAL,
        0,
        DEFAULT_LTX_INTERVAL);
  }
}

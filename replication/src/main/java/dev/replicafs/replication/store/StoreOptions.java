package dev.replicafs.replication.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The store's settings, named after the {@code data} section of {@code replicafs.yml} (LiteFS's
 * {@code litefs.yml} keys).
 *
 * @param dataDir {@code data.dir}: the data directory
 * @param compress {@code data.compress}: write LTX files with LZ4-compressed page blocks
 * @param retention {@code data.retention}: LTX files older than this are deleted (the newest is
 *     always kept)
 * @param retentionMaxBytes {@code data.retention-max-bytes}: per database, the oldest LTX files are
 *     deleted while their total size exceeds this (the newest is always kept); 0 = no cap
 * @param nodeId this node's ID, written into the LTX files it creates
 */
public record StoreOptions(
    Path dataDir, boolean compress, Duration retention, long retentionMaxBytes, long nodeId) {
  /** LiteFS's default retention. */
  public static final Duration DEFAULT_RETENTION = Duration.ofMinutes(10);

  /** Validates the values. */
  public StoreOptions {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(retention, "retention");
    if (retention.isNegative()) {
      throw new IllegalArgumentException("data.retention must not be negative: " + retention);
    }
    if (retentionMaxBytes < 0) {
      throw new IllegalArgumentException(
          "data.retention-max-bytes must not be negative: " + retentionMaxBytes);
    }
  }

  /** Defaults: compression on, 10 minutes of retention, no size cap, node ID 0. */
  public static StoreOptions defaults(Path dataDir) {
    return new StoreOptions(dataDir, true, DEFAULT_RETENTION, 0, 0);
  }

  public StoreOptions withCompress(boolean value) {
    return new StoreOptions(dataDir, value, retention, retentionMaxBytes, nodeId);
  }

  public StoreOptions withRetention(Duration value, long maxBytes) {
    return new StoreOptions(dataDir, compress, value, maxBytes, nodeId);
  }

  public StoreOptions withNodeId(long value) {
    return new StoreOptions(dataDir, compress, retention, retentionMaxBytes, value);
  }
}

package dev.replicafs.replication.sync;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code replication} settings as synchronous replication uses them (docs/SYNC.md): the plain
 * option object the composition root maps {@code replication.sync}, {@code sync-timeout} and {@code
 * sync-fallback} to.
 *
 * @param mode how many replicas must hold a commit before it returns
 * @param timeout how long one commit waits for them (positive)
 * @param fallback what a commit that timed out does
 */
public record SyncOptions(Mode mode, Duration timeout, Fallback fallback) {
  /** {@code replication.sync}. */
  public enum Mode {
    /** Asynchronous, as LiteFS. */
    NONE,
    /** At least one replica. */
    ONE,
    /** A majority of the known replicas. */
    QUORUM
  }

  /** {@code replication.sync-fallback}. */
  public enum Fallback {
    /** The commit fails (rollback-journal modes) and is rolled back everywhere. */
    FAIL,
    /** The commit succeeds and replication degrades to asynchronous until replicas return. */
    ASYNC
  }

  public SyncOptions {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(fallback, "fallback");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("sync timeout must be positive: " + timeout);
    }
  }

  /** Asynchronous replication (the default). */
  public static SyncOptions async() {
    return new SyncOptions(Mode.NONE, Duration.ofSeconds(5), Fallback.FAIL);
  }

  /** How many of {@code known} replicas must acknowledge a commit (at least 1). */
  public int required(int known) {
    return switch (mode) {
      case NONE -> 0;
      case ONE -> 1;
      case QUORUM -> Math.max(1, known / 2 + 1);
    };
  }
}

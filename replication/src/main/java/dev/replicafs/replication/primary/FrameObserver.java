package dev.replicafs.replication.primary;

/** Told about every LTX file a sender streamed (for metrics); must be quick and not throw. */
@FunctionalInterface
public interface FrameObserver {
  /** Ignores everything. */
  FrameObserver NONE = (db, snapshot, bytes) -> {};

  /**
   * @param db database name
   * @param snapshot whether the file was a snapshot
   * @param bytes LTX bytes sent
   */
  void ltxSent(String db, boolean snapshot, long bytes);
}

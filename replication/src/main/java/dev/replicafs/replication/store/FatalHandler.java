package dev.replicafs.replication.store;

/**
 * Receives failures that SQLite can no longer observe, for example an LTX write that fails after
 * the WAL WRITE lock was released. Continuing would let replicas diverge silently, so the
 * production handler stops the node; tests record the failure.
 */
@FunctionalInterface
public interface FatalHandler {
  void fatal(String db, String what, Throwable cause);
}

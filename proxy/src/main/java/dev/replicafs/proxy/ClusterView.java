package dev.replicafs.proxy;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * The proxy's only view of the cluster: who is primary, the local TXID of a database, and
 * replication lag. The {@code cmd} module implements it over the store and the lease; tests use a
 * hand-written fake.
 *
 * <p>The two {@code await} methods let the proxy wait without blocking a thread or polling: they
 * return futures that the implementation completes when the condition holds (at once if it already
 * does). The proxy applies its own deadline and then {@linkplain CompletableFuture#cancel cancels}
 * the future; implementations should drop a waiter whose future is done, so abandoned waits do not
 * pile up. Futures may be completed on any thread; the proxy never runs long work on it.
 */
public interface ClusterView {

  /** Who is primary right now. */
  Leadership leadership();

  /**
   * Completes with the first leadership (the current one included) that satisfies {@code
   * condition}.
   */
  CompletableFuture<Leadership> awaitLeadership(Predicate<Leadership> condition);

  /** The TXID of {@code db} on this node, or empty when the database does not exist here. */
  OptionalLong txid(String db);

  /**
   * Completes once {@code db} exists on this node with a TXID of at least {@code txid}. The value
   * is the local TXID at that moment.
   */
  CompletableFuture<Long> awaitTxid(String db, long txid);

  /**
   * How far this node is behind the primary (time since the last frame or heartbeat from it);
   * {@link Duration#ZERO} on the primary and before the node is ready.
   */
  Duration lag();
}

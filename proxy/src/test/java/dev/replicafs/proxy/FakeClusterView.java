package dev.replicafs.proxy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * Hand-written {@link ClusterView} for tests (the named seam): the test sets leadership, TXIDs and
 * lag, and waiters are completed when a change satisfies them. Cancelled waiters are dropped.
 */
final class FakeClusterView implements ClusterView {

  private record LeaderWaiter(Predicate<Leadership> condition, CompletableFuture<Leadership> f) {}

  private record TxidWaiter(String db, long txid, CompletableFuture<Long> f) {}

  private final Map<String, Long> txids = new HashMap<>();
  private final List<LeaderWaiter> leaderWaiters = new ArrayList<>();
  private final List<TxidWaiter> txidWaiters = new ArrayList<>();
  private Leadership leadership;
  private Duration lag = Duration.ZERO;

  FakeClusterView(Leadership initial) {
    this.leadership = initial;
  }

  @Override
  public synchronized Leadership leadership() {
    return leadership;
  }

  @Override
  public synchronized CompletableFuture<Leadership> awaitLeadership(
      Predicate<Leadership> condition) {
    if (condition.test(leadership)) {
      return CompletableFuture.completedFuture(leadership);
    }
    CompletableFuture<Leadership> f = new CompletableFuture<>();
    leaderWaiters.add(new LeaderWaiter(condition, f));
    return f;
  }

  @Override
  public synchronized OptionalLong txid(String db) {
    Long t = txids.get(db);
    return t == null ? OptionalLong.empty() : OptionalLong.of(t);
  }

  @Override
  public synchronized CompletableFuture<Long> awaitTxid(String db, long txid) {
    Long now = txids.get(db);
    if (now != null && now >= txid) {
      return CompletableFuture.completedFuture(now);
    }
    CompletableFuture<Long> f = new CompletableFuture<>();
    txidWaiters.add(new TxidWaiter(db, txid, f));
    return f;
  }

  @Override
  public synchronized Duration lag() {
    return lag;
  }

  synchronized void setLag(Duration lag) {
    this.lag = lag;
  }

  void setLeadership(Leadership next) {
    List<CompletableFuture<Leadership>> ready = new ArrayList<>();
    synchronized (this) {
      leadership = next;
      leaderWaiters.removeIf(w -> w.f().isDone());
      leaderWaiters.removeIf(
          w -> {
            if (w.condition().test(next)) {
              ready.add(w.f());
              return true;
            }
            return false;
          });
    }
    ready.forEach(f -> f.complete(next));
  }

  void setTxid(String db, long txid) {
    List<CompletableFuture<Long>> ready = new ArrayList<>();
    synchronized (this) {
      txids.put(db, txid);
      txidWaiters.removeIf(w -> w.f().isDone());
      txidWaiters.removeIf(
          w -> {
            if (w.db().equals(db) && txid >= w.txid()) {
              ready.add(w.f());
              return true;
            }
            return false;
          });
    }
    ready.forEach(f -> f.complete(txid));
  }

  /** Waiters still registered (cancelled ones included until the next change). */
  synchronized int pendingWaiters() {
    leaderWaiters.removeIf(w -> w.f().isDone());
    txidWaiters.removeIf(w -> w.f().isDone());
    return leaderWaiters.size() + txidWaiters.size();
  }
}

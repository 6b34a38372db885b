package dev.replicafs.cmd.node;

import dev.replicafs.proxy.ClusterView;
import dev.replicafs.proxy.Leadership;
import dev.replicafs.proxy.PrimaryInfo;
import dev.replicafs.replication.store.PositionEvent;
import dev.replicafs.replication.store.PositionListener;
import dev.replicafs.replication.store.Store;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * The proxy's view of this node, over the store and the {@link RoleSource}: TXIDs come from the
 * store, {@link #awaitTxid} completes from the store's position listener (no polling), leadership
 * from the roles. The primary's proxy is reached at the host of its advertise URL and this node's
 * own proxy port (every node's proxy listens on the same port, as in LiteFS deployments).
 *
 * <p>Register with {@link Store#addListener} and call {@link #roleChanged()} after a role change;
 * futures whose waiters were cancelled by the proxy are dropped at the next change.
 */
final class LocalClusterView implements ClusterView, PositionListener {
  private record TxidWaiter(String db, long txid, CompletableFuture<Long> future) {}

  private record LeaderWaiter(Predicate<Leadership> condition, CompletableFuture<Leadership> f) {}

  private final Store store;
  private final RoleSource roles;
  private final int proxyPort;
  private final List<TxidWaiter> txidWaiters = new ArrayList<>();
  private final List<LeaderWaiter> leaderWaiters = new ArrayList<>();

  LocalClusterView(Store store, RoleSource roles, int proxyPort) {
    this.store = store;
    this.roles = roles;
    this.proxyPort = proxyPort;
  }

  @Override
  public Leadership leadership() {
    if (roles.isPrimary()) {
      return Leadership.LOCAL;
    }
    return roles
        .knownPrimary()
        .<Leadership>map(
            p ->
                new Leadership.Remote(
                    new PrimaryInfo(
                        p.hostname(),
                        URI.create(
                            "http://" + URI.create(p.advertiseUrl()).getHost() + ":" + proxyPort))))
        .orElse(Leadership.UNKNOWN);
  }

  @Override
  public CompletableFuture<Leadership> awaitLeadership(Predicate<Leadership> condition) {
    Leadership now = leadership();
    if (condition.test(now)) {
      return CompletableFuture.completedFuture(now);
    }
    CompletableFuture<Leadership> f = new CompletableFuture<>();
    synchronized (this) {
      leaderWaiters.removeIf(w -> w.f().isDone());
      leaderWaiters.add(new LeaderWaiter(condition, f));
    }
    roleChanged(); // the role may have changed between the test and the registration
    return f;
  }

  /** Completes the leadership waiters the current leadership satisfies. */
  void roleChanged() {
    Leadership now = leadership();
    List<CompletableFuture<Leadership>> ready = new ArrayList<>();
    synchronized (this) {
      leaderWaiters.removeIf(
          w -> {
            if (w.f().isDone() || w.condition().test(now)) {
              ready.add(w.f());
              return true;
            }
            return false;
          });
    }
    ready.forEach(f -> f.complete(now));
  }

  @Override
  public OptionalLong txid(String db) {
    return store
        .db(db)
        .map(d -> OptionalLong.of(d.committedPos().txid()))
        .orElse(OptionalLong.empty());
  }

  @Override
  public CompletableFuture<Long> awaitTxid(String db, long txid) {
    CompletableFuture<Long> f = new CompletableFuture<>();
    synchronized (this) {
      txidWaiters.removeIf(w -> w.future().isDone());
      txidWaiters.add(new TxidWaiter(db, txid, f));
    }
    // Checked after registering, so a commit in between is not missed.
    OptionalLong now = txid(db);
    if (now.isPresent() && now.getAsLong() >= txid) {
      f.complete(now.getAsLong());
    }
    return f;
  }

  @Override
  public void positionChanged(PositionEvent event) {
    long now = event.pos().txid();
    List<CompletableFuture<Long>> ready = new ArrayList<>();
    synchronized (this) {
      txidWaiters.removeIf(
          w -> {
            if (w.future().isDone()) {
              return true;
            }
            if (w.db().equals(event.db()) && now >= w.txid()) {
              ready.add(w.future());
              return true;
            }
            return false;
          });
    }
    ready.forEach(f -> f.complete(now));
  }

  @Override
  public Duration lag() {
    return roles.lag().orElse(Duration.ZERO);
  }
}

package dev.replicafs.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the proxy relies on from any {@link ClusterView}; run against the test fake here and meant
 * to be run by the {@code cmd} module against the real view over the store and the lease (this
 * module publishes its test classes as a test-jar). Subclasses drive a real view through the hooks.
 */
public abstract class ClusterViewContract {

  protected static final String DB = "contract.db";
  protected static final PrimaryInfo OTHER =
      new PrimaryInfo("other-host", URI.create("http://127.0.0.1:1"));

  /** A fresh view in which no primary is known and {@link #DB} does not exist. */
  protected abstract ClusterView newView() throws Exception;

  /** Makes the node behind {@code view} the primary. */
  protected abstract void becomePrimary(ClusterView view) throws Exception;

  /** Makes {@link #OTHER} the primary as seen by {@code view}. */
  protected abstract void followOther(ClusterView view) throws Exception;

  /** Brings {@code db} on this node to at least {@code txid} (creating it if needed). */
  protected abstract void advanceTxid(ClusterView view, String db, long txid) throws Exception;

  @Test
  void awaitLeadershipCompletesAtOnceWhenTheConditionAlreadyHolds() throws Exception {
    ClusterView view = newView();
    becomePrimary(view);

    CompletableFuture<Leadership> f = view.awaitLeadership(Leadership::isLocal);

    assertThat(f).isDone();
    assertThat(f.get()).isEqualTo(Leadership.LOCAL);
  }

  @Test
  void awaitLeadershipCompletesWhenAPrimaryBecomesKnown() throws Exception {
    ClusterView view = newView();
    assertThat(view.leadership().known()).isFalse();
    CompletableFuture<Leadership> f = view.awaitLeadership(Leadership::known);
    assertThat(f).isNotDone();

    followOther(view);

    assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(new Leadership.Remote(OTHER));
    assertThat(view.leadership()).isEqualTo(new Leadership.Remote(OTHER));
  }

  @Test
  void txidIsEmptyForADatabaseThatDoesNotExist() throws Exception {
    assertThat(newView().txid("missing.db")).isEmpty();
  }

  @Test
  void awaitTxidCompletesOnlyOnceTheTxidIsReached() throws Exception {
    ClusterView view = newView();
    advanceTxid(view, DB, 1);
    CompletableFuture<Long> f = view.awaitTxid(DB, 3);
    assertThat(f).isNotDone();

    advanceTxid(view, DB, 2);
    assertThat(f).isNotDone();
    advanceTxid(view, DB, 3);

    assertThat(f.get(10, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(3);
    assertThat(view.txid(DB)).isPresent();
    assertThat(view.txid(DB).getAsLong()).isGreaterThanOrEqualTo(3);
    assertThat(view.awaitTxid(DB, 2)).isDone();
  }

  @Test
  void awaitTxidOnAMissingDatabaseCompletesWhenItArrives() throws Exception {
    ClusterView view = newView();
    CompletableFuture<Long> f = view.awaitTxid(DB, 1);
    assertThat(f).isNotDone();

    advanceTxid(view, DB, 1);

    assertThat(f.get(10, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(1);
  }

  @Test
  void aCancelledWaiterDoesNotDisturbOthers() throws Exception {
    ClusterView view = newView();
    CompletableFuture<Long> abandoned = view.awaitTxid(DB, 5);
    CompletableFuture<Long> kept = view.awaitTxid(DB, 5);
    abandoned.cancel(false);

    advanceTxid(view, DB, 5);

    assertThat(kept.get(10, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(5);
    assertThat(abandoned).isCancelled();
  }

  @Test
  void lagIsNeverNegative() throws Exception {
    ClusterView view = newView();
    becomePrimary(view);
    assertThat(view.lag().isNegative()).isFalse();
  }
}

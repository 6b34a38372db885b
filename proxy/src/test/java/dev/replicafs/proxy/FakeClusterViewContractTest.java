package dev.replicafs.proxy;

/** The test fake obeys the same contract as the real view. */
class FakeClusterViewContractTest extends ClusterViewContract {

  @Override
  protected ClusterView newView() {
    return new FakeClusterView(Leadership.UNKNOWN);
  }

  @Override
  protected void becomePrimary(ClusterView view) {
    ((FakeClusterView) view).setLeadership(Leadership.LOCAL);
  }

  @Override
  protected void followOther(ClusterView view) {
    ((FakeClusterView) view).setLeadership(new Leadership.Remote(OTHER));
  }

  @Override
  protected void advanceTxid(ClusterView view, String db, long txid) {
    ((FakeClusterView) view).setTxid(db, txid);
  }
}

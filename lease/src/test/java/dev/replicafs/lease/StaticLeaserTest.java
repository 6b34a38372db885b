package dev.replicafs.lease;

import java.time.Duration;

/** The contract against the static lease: node-a is the configured primary. */
class StaticLeaserTest extends LeaserContract {

  private static final PrimaryInfo PRIMARY = info("node-a");

  @Override
  protected Leaser newCandidate(String hostname) {
    return new StaticLeaser(info(hostname), true, clock);
  }

  @Override
  protected Leaser newNonCandidate(String hostname) {
    return new StaticLeaser(PRIMARY, false, clock);
  }

  @Override
  protected Leaser newContender(String hostname) {
    return newNonCandidate(hostname);
  }

  @Override
  protected boolean coordinated() {
    return false;
  }

  @Override
  protected PartitionableLeaser newPartitionableCandidate(String hostname) {
    throw new UnsupportedOperationException("a static lease has no coordinator to lose");
  }

  @Override
  protected Duration ttl() {
    return Duration.ofDays(365);
  }
}

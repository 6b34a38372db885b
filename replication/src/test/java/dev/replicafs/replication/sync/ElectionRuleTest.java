package dev.replicafs.replication.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.sync.SyncOptions.Mode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ElectionRuleTest {
  private static Map<String, Pos> at(long txid) {
    return Map.of("app.db", new Pos(txid, 0x8000000000000000L | txid));
  }

  @Test
  void oneWithTwoReplicasNeedsBothPositionsAndTheMostAdvancedWins() {
    // alone: the other replica may hold an acknowledged commit
    assertThat(ElectionRule.decide(Mode.ONE, 2, 2, Map.of(2L, at(10))).mayAcquire()).isFalse();
    Map<Long, Map<String, Pos>> both = Map.of(2L, at(10), 3L, at(12));
    assertThat(ElectionRule.decide(Mode.ONE, 2, 2, both).mayAcquire()).isFalse();
    assertThat(ElectionRule.decide(Mode.ONE, 2, 3, both).mayAcquire()).isTrue();
  }

  @Test
  void quorumOfTwoReplicasIsOnBothSoEitherMayGoAlone() {
    assertThat(ElectionRule.decide(Mode.QUORUM, 2, 3, Map.of(3L, at(7))).mayAcquire()).isTrue();
  }

  @Test
  void quorumOfFourNeedsTwoPositions() {
    assertThat(ElectionRule.decide(Mode.QUORUM, 4, 3, Map.of(3L, at(7))).mayAcquire()).isFalse();
    assertThat(ElectionRule.decide(Mode.QUORUM, 4, 3, Map.of(3L, at(7), 4L, at(7))).mayAcquire())
        .isTrue();
  }

  @Test
  void aTieGoesToTheLowestNodeId() {
    Map<Long, Map<String, Pos>> tie = Map.of(2L, at(5), 3L, at(5));
    assertThat(ElectionRule.decide(Mode.ONE, 2, 2, tie).mayAcquire()).isTrue();
    ElectionRule.Decision d = ElectionRule.decide(Mode.ONE, 2, 3, tie);
    assertThat(d.mayAcquire()).isFalse();
    assertThat(d.reason()).contains("lower ID");
  }

  @Test
  void aPeerAheadOnADatabaseTheCandidateLacksBlocksIt() {
    Map<Long, Map<String, Pos>> p = Map.of(2L, at(5), 3L, Map.of("other.db", new Pos(1, 1L << 63)));
    assertThat(ElectionRule.decide(Mode.ONE, 2, 2, p).mayAcquire()).isFalse();
  }

  @Test
  void asynchronousClustersAreNotRestricted() {
    assertThat(ElectionRule.decide(Mode.NONE, 2, 2, Map.of(2L, at(1))).mayAcquire()).isTrue();
  }
}

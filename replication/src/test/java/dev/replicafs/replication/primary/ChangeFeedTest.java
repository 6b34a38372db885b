package dev.replicafs.replication.primary;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ChangeFeedTest {
  @Test
  void aSlowSubscriberHoldsOneEntryPerDatabaseNotOnePerCommit() throws Exception {
    DirtySet set = new DirtySet(() -> {});
    for (int i = 0; i < 100_000; i++) {
      set.mark(i % 2 == 0 ? "a.db" : "b.db");
    }
    assertThat(set.await(Duration.ZERO)).containsExactly("a.db", "b.db");
    assertThat(set.await(Duration.ofMillis(1))).isEmpty();
  }

  @Test
  void closingWakesTheWaiterAndRunsTheHookOnce() throws Exception {
    int[] closed = new int[1];
    DirtySet set = new DirtySet(() -> closed[0]++);
    Thread waiter =
        new Thread(
            () -> {
              try {
                set.await(Duration.ofMinutes(1));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "waiter");
    waiter.start();
    set.close();
    set.close();
    waiter.join(10_000);
    assertThat(waiter.isAlive()).isFalse();
    assertThat(closed[0]).isEqualTo(1);
    set.mark("a.db");
    assertThat(set.await(Duration.ZERO)).isEmpty();
  }
}

package dev.replicafs.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** PrimaryInfo's wire format, ClusterId's format, LeaseState's deadline and handoff rules. */
class ValuesTest {

  @Test
  void primaryInfoUsesLiteFsJsonKeys() {
    PrimaryInfo info = new PrimaryInfo("node-a", "http://node-a:20202");

    String json = new String(info.toJson(), StandardCharsets.UTF_8);

    assertThat(json)
        .isEqualTo("{\"hostname\":\"node-a\",\"advertise-url\":\"http://node-a:20202\"}");
    assertThat(PrimaryInfo.fromJson(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(info);
  }

  @Test
  void primaryInfoWrittenByLiteFsIsRead() {
    byte[] litefs =
        "{\"hostname\":\"fra-1\",\"advertise-url\":\"http://fra-1.vm.app.internal:20202\",\"x\":1}"
            .getBytes(StandardCharsets.UTF_8);

    assertThat(PrimaryInfo.fromJson(litefs))
        .isEqualTo(new PrimaryInfo("fra-1", "http://fra-1.vm.app.internal:20202"));
  }

  @Test
  void primaryInfoRejectsGarbageAndBlanks() {
    assertThatThrownBy(() -> PrimaryInfo.fromJson("not json".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not json");
    assertThatThrownBy(() -> new PrimaryInfo(" ", "http://x"))
        .hasMessageContaining("lease.hostname");
    assertThatThrownBy(() -> new PrimaryInfo("x", "")).hasMessageContaining("lease.advertise-url");
  }

  @Test
  void clusterIdHasTheLiteFsFormat() {
    ClusterId id = ClusterId.generate(new SplittableRandom(7));

    assertThat(id.value()).hasSize(20).startsWith("LFSC").matches("LFSC[0-9A-F]{16}");
    assertThat(new ClusterId("LFSC0123456789ABCDEF").toString()).isEqualTo("LFSC0123456789ABCDEF");
    assertThatThrownBy(() -> new ClusterId("LFSC0123456789abcdef"))
        .hasMessageContaining("upper-case");
    assertThatThrownBy(() -> new ClusterId("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void validUntilIsTheTtlMinusTheMarginAndEndsWithTheLease() {
    Clock clock = MonotonicClock.system();
    Instant sent = clock.instant();
    LeaseState state = new LeaseState(clock, sent, Duration.ofSeconds(2));

    assertThat(state.validUntil()).isEqualTo(sent.plusMillis(1800));
    state.renewed(sent.plusSeconds(1), Duration.ofSeconds(2));
    assertThat(state.validUntil()).isEqualTo(sent.plusMillis(2800));
    state.renewed(sent, Duration.ofSeconds(2)); // an older renewal never moves it back
    assertThat(state.validUntil()).isEqualTo(sent.plusMillis(2800));
    assertThat(state.end()).isTrue();
    assertThat(state.end()).isFalse();
    assertThat(state.validUntil()).isBeforeOrEqualTo(clock.instant());
  }

  @Test
  void safetyMarginIsATenthOfTheTtlAndAtLeast100ms() {
    assertThat(Lease.safetyMargin(Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(1));
    assertThat(Lease.safetyMargin(Duration.ofSeconds(2))).isEqualTo(Duration.ofMillis(200));
    assertThat(Lease.safetyMargin(Duration.ofMillis(500))).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void handoffIsRequestedOnceAndOnlyWhileHeld() {
    LeaseState state =
        new LeaseState(MonotonicClock.system(), Instant.now(), Duration.ofSeconds(2));

    state.requestHandoff(0xB);

    assertThat(state.handoffRequest()).isCompletedWithValue(0xBL);
    assertThatThrownBy(() -> state.requestHandoff(0xC))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("00000000000000B");
    LeaseState ended =
        new LeaseState(MonotonicClock.system(), Instant.now(), Duration.ofSeconds(2));
    ended.end();
    assertThatThrownBy(() -> ended.requestHandoff(1)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void monotonicClockNeverGoesBackwards() {
    MonotonicClock clock = MonotonicClock.system();
    Instant previous = clock.instant();
    for (int i = 0; i < 10_000; i++) {
      Instant now = clock.instant();
      assertThat(now).isAfterOrEqualTo(previous);
      previous = now;
    }
  }
}

package dev.replicafs.cmd.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationTest {
  @Test
  void parsesGoDurations() {
    assertThat(GoDuration.parse("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(GoDuration.parse("1m")).isEqualTo(Duration.ofMinutes(1));
    assertThat(GoDuration.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(GoDuration.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(GoDuration.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(GoDuration.parse("2h45m30.5s")).isEqualTo(Duration.parse("PT2H45M30.5S"));
    assertThat(GoDuration.parse("250us")).isEqualTo(Duration.ofNanos(250_000));
    assertThat(GoDuration.parse("7ns")).isEqualTo(Duration.ofNanos(7));
    assertThat(GoDuration.parse("0")).isEqualTo(Duration.ZERO);
    assertThat(GoDuration.parse("-3s")).isEqualTo(Duration.ofSeconds(-3));
  }

  @Test
  void rejectsMissingOrUnknownUnits() {
    assertThatThrownBy(() -> GoDuration.parse("10")).hasMessageContaining("without a unit");
    assertThatThrownBy(() -> GoDuration.parse("10d")).hasMessageContaining("unknown unit \"d\"");
    assertThatThrownBy(() -> GoDuration.parse("")).hasMessageContaining("invalid duration");
    assertThatThrownBy(() -> GoDuration.parse("s")).hasMessageContaining("invalid duration");
    assertThatThrownBy(() -> GoDuration.parse("1..2s")).hasMessageContaining("invalid duration");
  }

  @Test
  void formatsLikeGo() {
    assertThat(GoDuration.format(Duration.ofSeconds(10))).isEqualTo("10s");
    assertThat(GoDuration.format(Duration.ofMinutes(90))).isEqualTo("1h30m0s");
    assertThat(GoDuration.format(Duration.ofMillis(500))).isEqualTo("500ms");
    assertThat(GoDuration.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
    assertThat(GoDuration.format(Duration.ZERO)).isEqualTo("0s");
  }

  @Test
  void byteSizesAcceptUnits() {
    assertThat(ByteSize.parse("1024")).isEqualTo(1024);
    assertThat(ByteSize.parse("2GiB")).isEqualTo(2L << 30);
    assertThat(ByteSize.parse("512 MB")).isEqualTo(512_000_000L);
    assertThatThrownBy(() -> ByteSize.parse("12 parsecs")).hasMessageContaining("unknown unit");
  }
}

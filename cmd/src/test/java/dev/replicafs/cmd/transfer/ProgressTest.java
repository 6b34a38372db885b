package dev.replicafs.cmd.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ProgressTest {
  /** A clock the test moves by hand. */
  private static final class ManualClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final ManualClock clock = new ManualClock();
  private final StringWriter screen = new StringWriter();

  @Test
  void showsBytesRateAndEtaOnATerminal() {
    Progress p = new Progress("app.db", 40L << 20, new PrintWriter(screen), true, clock);
    clock.now = clock.now.plusSeconds(2);
    p.advance(16L << 20);
    assertThat(screen.toString())
        .isEqualTo("\rapp.db  16.0 MiB / 40.0 MiB  40%  8.0 MiB/s  ETA 3s");
    clock.now = clock.now.plusMillis(100);
    p.advance(1L << 20);
    assertThat(screen.toString()).as("no redraw within 200 ms").doesNotContain("17.0 MiB");
    clock.now = clock.now.plusSeconds(3);
    p.advance(23L << 20);
    p.finish();
    String last = "\rapp.db  40.0 MiB / 40.0 MiB  100%  7.8 MiB/s";
    assertThat(screen.toString())
        .as("a shorter line blanks the rest of the longer one it overwrites")
        .contains(last + " ".repeat(7) + "\r")
        .endsWith(last + System.lineSeparator());
    assertThat(p.bytes()).isEqualTo(40L << 20);
    assertThat(p.elapsed()).isEqualTo(Duration.ofMillis(5100));
  }

  @Test
  void staysQuietWhenNotATerminal() throws Exception {
    Progress p = new Progress("app.db", 10, new PrintWriter(screen), false, clock);
    try (InputStream in = p.counting(new ByteArrayInputStream(new byte[10]))) {
      clock.now = clock.now.plusSeconds(1);
      assertThat(in.read()).isZero();
      assertThat(in.read(new byte[20], 0, 20)).isEqualTo(9);
      assertThat(in.read()).isEqualTo(-1);
    }
    p.finish();
    assertThat(screen.toString()).isEmpty();
    assertThat(p.bytes()).isEqualTo(10);
  }

  @Test
  void unknownTotalShowsBytesAndRateOnly() {
    Progress p = new Progress("export", -1, new PrintWriter(screen), true, clock);
    clock.now = clock.now.plusSeconds(1);
    p.advance(1536);
    assertThat(screen.toString()).isEqualTo("\rexport  1.5 KiB  1.5 KiB/s");
  }

  @Test
  void sizesUseBinaryUnits() {
    assertThat(Progress.size(512)).isEqualTo("512 B");
    assertThat(Progress.size(3L << 30)).isEqualTo("3.0 GiB");
  }
}

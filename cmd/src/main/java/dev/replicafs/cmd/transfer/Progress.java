package dev.replicafs.cmd.transfer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Progress of an {@code export} or {@code import} transfer: bytes, rate and time left, redrawn in
 * place ({@code \r}) at most every {@link #REDRAW} on a terminal, and nothing at all when the
 * output is not a terminal, so scripts and logs stay clean.
 *
 * <p>Line format: {@code app.db 12.5 MiB / 40.0 MiB 31% 8.2 MiB/s ETA 4s}; without a known total:
 * {@code app.db 12.5 MiB 8.2 MiB/s}. Not thread-safe: one transfer, one thread.
 */
public final class Progress {
  /** Minimum time between two redraws. */
  public static final Duration REDRAW = Duration.ofMillis(200);

  private final String label;
  private final long total;
  private final PrintWriter out;
  private final boolean enabled;
  private final Clock clock;
  private final Instant start;
  private Instant lastDraw;
  private long done;
  private int lastWidth;

  /**
   * A reporter for a transfer of {@code total} bytes (negative when unknown), drawing on {@code
   * out} only when {@code terminal} is true.
   */
  public Progress(String label, long total, PrintWriter out, boolean terminal, Clock clock) {
    this.label = label;
    this.total = total;
    this.out = out;
    this.enabled = terminal;
    this.clock = clock;
    this.start = clock.instant();
    this.lastDraw = Instant.MIN;
  }

  /** True when stdout is an interactive terminal (the JVM has a console). */
  public static boolean stdoutIsTerminal() {
    return System.console() != null;
  }

  /** Records {@code bytes} more transferred and redraws if {@link #REDRAW} has passed. */
  public void advance(long bytes) {
    done += bytes;
    Instant now = clock.instant();
    if (enabled && Duration.between(lastDraw, now).compareTo(REDRAW) >= 0) {
      draw(now);
    }
  }

  /** Bytes transferred so far. */
  public long bytes() {
    return done;
  }

  /** Time since the transfer started. */
  public Duration elapsed() {
    return Duration.between(start, clock.instant());
  }

  /** Draws the final state and ends the line (nothing when not a terminal). */
  public void finish() {
    if (enabled) {
      draw(clock.instant());
      out.println();
      out.flush();
    }
  }

  /** {@code in}, counting every byte read into this progress. */
  public InputStream counting(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          advance(1);
        }
        return b;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
          advance(n);
        }
        return n;
      }
    };
  }

  /** The current line, as it would be drawn at {@code now}. */
  String line(Instant now) {
    double seconds = Math.max(Duration.between(start, now).toNanos() / 1e9, 1e-3);
    double rate = done / seconds;
    StringBuilder s = new StringBuilder(label).append("  ").append(size(done));
    if (total >= 0) {
      s.append(" / ").append(size(total));
      long percent = total == 0 ? 100 : Math.min(100, done * 100 / total);
      s.append("  ").append(percent).append('%');
    }
    s.append("  ").append(size((long) rate)).append("/s");
    if (total >= 0 && done < total && rate > 0) {
      long left = (long) Math.ceil((total - done) / rate);
      s.append("  ETA ").append(duration(left));
    }
    return s.toString();
  }

  private void draw(Instant now) {
    String line = line(now);
    String pad = " ".repeat(Math.max(0, lastWidth - line.length()));
    out.print("\r" + line + pad);
    out.flush();
    lastWidth = line.length();
    lastDraw = now;
  }

  /** {@code 512 B}, {@code 12.5 KiB}, {@code 3.0 GiB}. */
  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  private static String duration(long seconds) {
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return seconds / 60 + "m" + seconds % 60 + "s";
    }
    return seconds / 3600 + "h" + seconds % 3600 / 60 + "m";
  }
}

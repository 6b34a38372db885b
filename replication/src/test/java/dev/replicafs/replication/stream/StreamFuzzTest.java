package dev.replicafs.replication.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.replicafs.replication.ltx.Pos;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of the replica's stream reader and the primary's position-map decoder: random
 * bytes and random mutations of valid streams and maps must end in {@link StreamProtocolException}
 * (or decode), never another throwable, a hang, or allocation past one control frame plus one read
 * buffer. Failures print the seed; {@code -Plong} runs 50 times as many inputs.
 */
class StreamFuzzTest {
  private static final int ITERATIONS = 4_000;
  private static final int LONG_ITERATIONS = 200_000;
  private static final long SLACK = 64 * 1024;

  @Test
  void streamReaderOnlyEverGivesTypedErrors() throws Exception {
    fuzzStream(0x57EA_0001L, ITERATIONS);
  }

  @Test
  void positionMapDecoderOnlyEverGivesTypedErrors() throws Exception {
    fuzzPositionMap(0x90_0001L, ITERATIONS);
  }

  @Test
  @Tag("long")
  void manyMoreStreamAndPositionMapInputs() throws Exception {
    fuzzStream(0x57EA_1000L, LONG_ITERATIONS);
    fuzzPositionMap(0x90_1000L, LONG_ITERATIONS);
  }

  private static void fuzzStream(long baseSeed, int iterations) throws Exception {
    List<byte[]> corpus =
        List.of(sampleStream(new Random(1), 3000), sampleStream(new Random(2), 0));
    int[] refused = new int[1];
    assertTimeoutPreemptively(
        Duration.ofSeconds(Math.max(120, iterations / 100)),
        () -> {
          for (int i = 0; i < iterations; i++) {
            long seed = baseSeed + i;
            byte[] input = input(new Random(seed), corpus, 8);
            if (!readStream(input, seed)) {
              refused[0]++;
            }
          }
        });
    assertThat(refused[0]).as("most inputs must be refused").isGreaterThan(iterations / 2);
  }

  private static void fuzzPositionMap(long baseSeed, int iterations) throws Exception {
    Map<String, Pos> positions = new TreeMap<>();
    for (int i = 0; i < 20; i++) {
      positions.put("db-" + i + ".db", new Pos(i + 1, 0x8000_0000_0000_0000L | (i * 7919L)));
    }
    List<byte[]> corpus =
        List.of(PositionMap.of(positions).encode(), PositionMap.of(Map.of()).encode());
    int[] refused = new int[1];
    assertTimeoutPreemptively(
        Duration.ofSeconds(Math.max(120, iterations / 100)),
        () -> {
          for (int i = 0; i < iterations; i++) {
            long seed = baseSeed + i;
            byte[] input = input(new Random(seed), corpus, 6);
            if (!decodeMap(input, seed)) {
              refused[0]++;
            }
          }
        });
    assertThat(refused[0]).as("most inputs must be refused").isGreaterThan(iterations / 2);
  }

  /** Random bytes (one in ten), random bytes behind a valid prefix, or a mutation. */
  private static byte[] input(Random r, List<byte[]> corpus, int prefix) {
    int kind = r.nextInt(10);
    byte[] base = corpus.get(r.nextInt(corpus.size()));
    if (kind == 0) {
      byte[] b = new byte[r.nextInt(1024)];
      r.nextBytes(b);
      return b;
    }
    if (kind == 1) {
      byte[] b = new byte[prefix + r.nextInt(1024)];
      r.nextBytes(b);
      System.arraycopy(base, 0, b, 0, Math.min(prefix, base.length));
      return b;
    }
    byte[] b = base.clone();
    for (int n = 1 + r.nextInt(4); n > 0 && b.length > 0; n--) {
      int at = r.nextInt(b.length);
      switch (r.nextInt(4)) {
        case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
        case 1 -> b[at] = (byte) r.nextInt(256);
        case 2 -> b = Arrays.copyOf(b, at);
        default -> {
          byte[] longer = Arrays.copyOf(b, b.length + 1 + r.nextInt(32));
          System.arraycopy(b, at, longer, longer.length - (b.length - at), b.length - at);
          for (int i = at; i < longer.length - (b.length - at); i++) {
            longer[i] = (byte) r.nextInt(256);
          }
          b = longer;
        }
      }
    }
    return b;
  }

  /** Reads; an allocation over the bound is measured again (see {@link #retried}). */
  private static boolean readStream(byte[] input, long seed) {
    long bound = FrameCodec.MAX_PAYLOAD + SLACK + 2L * input.length;
    return retried(() -> readStreamOnce(input, seed), bound, "stream", seed);
  }

  private static boolean decodeMap(byte[] input, long seed) {
    long bound = 4 * SLACK + 64L * input.length;
    return retried(() -> decodeMapOnce(input, seed), bound, "position map", seed);
  }

  /** Allocating work: returns whether the input was accepted. */
  private interface Work {
    boolean run();
  }

  /**
   * Runs {@code work} and checks its allocation; over the bound it is measured once more, since the
   * first run of a code path (class initialisation, string-concatenation linkage) allocates once
   * while an input-driven allocation repeats.
   */
  private static boolean retried(Work work, long bound, String what, long seed) {
    long before = allocated();
    boolean ok = work.run();
    long used = allocated() - before;
    if (used >= bound) {
      before = allocated();
      work.run();
      used = allocated() - before;
    }
    assertThat(used).as("%s seed %d allocated %d bytes", what, seed, used).isLessThan(bound);
    return ok;
  }

  private static boolean readStreamOnce(byte[] input, long seed) {
    byte[] buf = new byte[8192];
    boolean ok;
    try {
      StreamReader r = new StreamReader(new ByteArrayInputStream(input));
      r.readPreamble();
      while (true) {
        StreamFrame f = r.next();
        if (f instanceof StreamFrame.Ltx) {
          try (InputStream body = r.ltxBody()) {
            while (body.read(buf) >= 0) {
              // drain
            }
          }
        }
        if (f instanceof StreamFrame.End) {
          break;
        }
      }
      ok = true;
    } catch (StreamProtocolException e) {
      ok = false;
    } catch (Throwable t) {
      throw new AssertionError(
          "stream seed " + seed + " (" + input.length + " bytes) threw an untyped " + t, t);
    }
    return ok;
  }

  private static boolean decodeMapOnce(byte[] input, long seed) {
    boolean ok;
    try {
      PositionMap.decode(new ByteArrayInputStream(input));
      ok = true;
    } catch (StreamProtocolException e) {
      ok = false;
    } catch (Throwable t) {
      throw new AssertionError(
          "position map seed " + seed + " (" + input.length + " bytes) threw an untyped " + t, t);
    }
    return ok;
  }

  private static long allocated() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }

  private static byte[] sampleStream(Random r, int bodyBytes) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StreamWriter w = new StreamWriter(bytes);
    w.writePreamble();
    byte[] body = new byte[bodyBytes];
    r.nextBytes(body);
    try (OutputStream out = w.writeLtx("app.db", body.length)) {
      out.write(body);
    }
    w.write(new StreamFrame.Ready());
    w.write(new StreamFrame.Heartbeat(1_700_000_000_123L));
    w.write(new StreamFrame.Handoff("lease-42"));
    w.write(new StreamFrame.End());
    w.flush();
    return bytes.toByteArray();
  }
}

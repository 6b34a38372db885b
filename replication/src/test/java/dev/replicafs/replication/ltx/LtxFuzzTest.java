package dev.replicafs.replication.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of the LTX decoder: random bytes, random bytes behind a valid header, and random
 * multi-byte mutations (flips, overwrites, inserts, deletes, splices, cuts) of round-trip files and
 * of the shared fixtures. Each input must decode or fail with {@link LtxFormatException}; any other
 * throwable, a hang, or allocation past one page plus two LZ4 blocks fails the test with the seed
 * that reproduces it. The default run is fixed and short; {@code -Plong} runs 50 times as many
 * inputs.
 */
class LtxFuzzTest {
  private static final int ITERATIONS = 4_000;
  private static final int LONG_ITERATIONS = 200_000;
  private static final long SLACK = 32 * 1024;

  @Test
  void randomAndMutatedInputsOnlyEverGiveTypedErrors() throws Exception {
    fuzz(0x5EC0_0001L, ITERATIONS);
  }

  @Test
  @Tag("long")
  void manyMoreRandomAndMutatedInputsOnlyEverGiveTypedErrors() throws Exception {
    fuzz(0x5EC0_1000L, LONG_ITERATIONS);
  }

  private static void fuzz(long baseSeed, int iterations) throws Exception {
    List<byte[]> corpus = corpus();
    warmUp(corpus);
    int[] outcomes = new int[2];
    assertTimeoutPreemptively(
        Duration.ofSeconds(Math.max(120, iterations / 100)),
        () -> {
          for (int i = 0; i < iterations; i++) {
            long seed = baseSeed + i;
            byte[] input = input(new Random(seed), corpus);
            outcomes[decode(input, seed) ? 0 : 1]++;
          }
        });
    assertThat(outcomes[1]).as("most inputs must be refused").isGreaterThan(iterations / 2);
  }

  /** Loads and compiles the decoder's classes so their one-time allocation is not measured. */
  private static void warmUp(List<byte[]> corpus) {
    Random r = new Random(-1);
    for (int i = 0; i < 500; i++) {
      byte[] input = i < corpus.size() ? corpus.get(i) : input(r, corpus);
      try {
        LtxDecoder dec = LtxDecoder.open(new ByteArrayInputStream(input));
        byte[] page = new byte[dec.header().pageSize()];
        while (dec.nextPage(page) != 0) {
          // read to the trailer
        }
      } catch (IOException expected) {
        // warm-up only: outcomes are checked in the measured run
      }
    }
  }

  /** One fuzz input derived only from {@code r}, so a seed reproduces it. */
  static byte[] input(Random r, List<byte[]> corpus) {
    int kind = r.nextInt(10);
    if (kind == 0) {
      byte[] b = new byte[r.nextInt(2048)];
      r.nextBytes(b);
      return b;
    }
    byte[] base = corpus.get(r.nextInt(corpus.size()));
    if (kind == 1) {
      byte[] b = new byte[LtxHeader.SIZE + r.nextInt(4096)];
      r.nextBytes(b);
      System.arraycopy(base, 0, b, 0, LtxHeader.SIZE);
      return b;
    }
    return Mutator.mutate(r, base, corpus.get(r.nextInt(corpus.size())));
  }

  /**
   * Decodes; true when it decoded cleanly, false on a typed error; fails on anything else. An
   * allocation over the bound is measured once more: the first run of a code path (class
   * initialisation, string-concatenation linkage) allocates once, an input-driven allocation
   * allocates every time.
   */
  private static boolean decode(byte[] input, long seed) {
    long[] measured = new long[2];
    boolean ok = decodeOnce(input, seed, measured);
    if (measured[0] >= measured[1]) {
      decodeOnce(input, seed, measured);
    }
    assertThat(measured[0])
        .as("seed %d allocated %d bytes decoding %d bytes", seed, measured[0], input.length)
        .isLessThan(measured[1]);
    return ok;
  }

  /** One decode; {@code measured} receives the bytes allocated and the bound. */
  private static boolean decodeOnce(byte[] input, long seed, long[] measured) {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = mx.getCurrentThreadAllocatedBytes();
    long bound = SLACK + input.length / 8;
    LtxDecoder.Mode mode = seed % 2 == 0 ? LtxDecoder.Mode.STRICT : LtxDecoder.Mode.LENIENT;
    boolean ok;
    try {
      LtxDecoder dec = LtxDecoder.open(new ByteArrayInputStream(input), mode);
      byte[] page = new byte[dec.header().pageSize()];
      bound += page.length + (dec.header().isCompressed() ? 2 * 65536 : 0);
      while (dec.nextPage(page) != 0) {
        // read to the trailer
      }
      ok = true;
    } catch (LtxFormatException e) {
      ok = false;
    } catch (Throwable t) {
      throw new AssertionError(
          "seed " + seed + " (" + input.length + " bytes, " + mode + ") threw an untyped " + t, t);
    }
    measured[0] = mx.getCurrentThreadAllocatedBytes() - before;
    measured[1] = bound;
    return ok;
  }

  /** Round-trip files (every page size, compressed or not, snapshot or not) plus the fixtures. */
  static List<byte[]> corpus() throws IOException {
    List<byte[]> out = new ArrayList<>();
    Random r = new Random(11);
    for (int pageSize : new int[] {512, 1024, 4096}) {
      for (boolean lz4 : new boolean[] {false, true}) {
        for (boolean snapshot : new boolean[] {false, true}) {
          long commit = 3;
          LtxHeader h =
              LtxHeader.builder(pageSize, commit, snapshot ? 1 : 5, snapshot ? 4 : 5)
                  .compressed(lz4)
                  .preApplyChecksum(snapshot ? 0 : 0x8000_0000_0000_0001L)
                  .build();
          ByteArrayOutputStream bytes = new ByteArrayOutputStream();
          LtxEncoder enc = LtxEncoder.open(bytes, h);
          for (long p = 1; p <= commit; p++) {
            byte[] page = new byte[pageSize];
            for (int i = 0; i < pageSize; i += 1 + r.nextInt(64)) {
              page[i] = (byte) r.nextInt(4);
            }
            enc.writePage(p, page);
          }
          if (snapshot) {
            enc.finish();
          } else {
            enc.finish(0x8000_0000_0000_0002L);
          }
          out.add(bytes.toByteArray());
        }
      }
    }
    if (SharedFixtures.present()) {
      Path root = SharedFixtures.ltxRoot();
      try (Stream<Path> files = Files.walk(root)) {
        for (Path p :
            files
                .filter(f -> f.toString().endsWith(".ltx"))
                .sorted()
                .collect(Collectors.toList())) {
          if (Files.size(p) <= 256 * 1024) {
            out.add(Files.readAllBytes(p));
          }
        }
      }
    } else if ("true".equals(System.getenv("CI"))) {
      SharedFixtures.ltxRoot();
    }
    for (byte[] file : out) {
      assertThat(file.length).isGreaterThanOrEqualTo(LtxHeader.SIZE);
    }
    return out;
  }
}

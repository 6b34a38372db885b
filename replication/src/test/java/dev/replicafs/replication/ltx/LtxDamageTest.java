package dev.replicafs.replication.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.replicafs.replication.ltx.LtxFormatException.Kind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Damages every LTX fixture one byte or one cut at a time and requires a typed {@link
 * LtxFormatException}: never an unchecked exception, a hang, or more allocation than one page plus
 * one LZ4 block. Fixtures up to {@value #EXHAUSTIVE_LIMIT} bytes are damaged at every offset;
 * larger ones at every structural offset (header, page headers, page edges, LZ4 descriptor,
 * trailer) plus a seeded random sample, because the cost of exhaustive damage grows with the square
 * of the size.
 */
class LtxDamageTest {
  private static final int EXHAUSTIVE_LIMIT = 20_000;
  private static final int[] MASKS = {0xFF, 0x01, 0x80, 0x5A};
  private static final long SLACK = 24 * 1024;

  static Stream<String> ltxFixtures() throws IOException {
    if (!SharedFixtures.present()) {
      return Stream.of(SharedFixtures.MISSING);
    }
    Path root = SharedFixtures.ltxRoot();
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(p -> p.toString().endsWith(".ltx"))
          .map(p -> root.relativize(p).toString())
          .filter(p -> !p.equals("generated-v1/lockpage/0000000000000001-0000000000000001.ltx"))
          .sorted()
          .collect(Collectors.toList())
          .stream();
    }
  }

  @ParameterizedTest
  @MethodSource("ltxFixtures")
  void flippingAnyByteGivesATypedError(String file) throws Exception {
    byte[] good = SharedFixtures.read(file);
    Decoded clean = Decoded.of(good);
    boolean exhaustive = good.length <= EXHAUSTIVE_LIMIT;
    assertTimeoutPreemptively(
        Duration.ofSeconds(120),
        () -> {
          for (int off : offsets(good, clean.header())) {
            byte[] bad = good.clone();
            bad[off] ^= (byte) MASKS[off % MASKS.length];
            if (decodesToTheSameContent(clean, bad, off)) {
              continue;
            }
            LtxFormatException e = expectTypedError(file, "flip", off, bad, LtxDecoder.Mode.STRICT);
            if (off < 4) {
              assertThat(e.kind()).as("flip at %d", off).isEqualTo(Kind.BAD_MAGIC);
            }
            if (exhaustive && off % 5 == 0) {
              expectTypedError(file, "flip (lenient)", off, bad, LtxDecoder.Mode.LENIENT);
            }
          }
        });
  }

  /**
   * A flip inside compressed LZ4 block data can leave the decompressed bytes unchanged (a match
   * offset moved by a multiple of the period of repetitive page content): the file is then a
   * different but valid encoding of the same content, which no decoder can or should reject. Such a
   * flip must decode to exactly the original pages and trailer.
   */
  private static boolean decodesToTheSameContent(Decoded clean, byte[] bad, int off) {
    if (!clean.header().isCompressed() || off < LtxHeader.SIZE + 7 || off >= bad.length - 16) {
      return false;
    }
    Decoded d;
    try {
      d = Decoded.of(bad);
    } catch (LtxFormatException e) {
      return false;
    } catch (Throwable t) {
      throw new AssertionError("flip at " + off + " threw an untyped " + t, t);
    }
    assertThat(d.sameContent(clean))
        .as("flip at %d decoded, so its content must be unchanged", off)
        .isTrue();
    return true;
  }

  @BeforeAll
  static void warmUp() throws Exception {
    for (boolean lz4 : new boolean[] {false, true}) {
      LtxHeader h = LtxHeader.builder(512, 1, 1, 1).compressed(lz4).build();
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      LtxEncoder enc = LtxEncoder.open(out, h);
      enc.writePage(1, new byte[512]);
      enc.finish();
      byte[] good = out.toByteArray();
      for (int i = 0; i < good.length; i++) {
        byte[] bad = good.clone();
        bad[i] ^= 1;
        try {
          Decoded.of(bad);
        } catch (LtxFormatException expected) {
          assertThat(expected.kind()).isNotNull();
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("ltxFixtures")
  void truncatingAtAnyOffsetGivesATypedError(String file) throws Exception {
    byte[] good = SharedFixtures.read(file);
    Decoded clean = Decoded.of(good);
    assertTimeoutPreemptively(
        Duration.ofSeconds(120),
        () -> {
          for (int len : offsets(good, clean.header())) {
            byte[] cut = java.util.Arrays.copyOf(good, len);
            LtxFormatException e = expectTypedError(file, "cut", len, cut, LtxDecoder.Mode.STRICT);
            assertThat(e.kind()).as("%s cut at %d: %s", file, len, e).isEqualTo(Kind.TRUNCATED);
          }
        });
  }

  @ParameterizedTest
  @MethodSource("ltxFixtures")
  void bytesAfterTheTrailerAreRejectedOnlyInStrictMode(String file) throws Exception {
    byte[] good = SharedFixtures.read(file);
    byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
    assertThat(expectTypedError(file, "append", good.length, longer, LtxDecoder.Mode.STRICT).kind())
        .isEqualTo(Kind.TRAILING_BYTES);
    assertThat(Decoded.of(longer, LtxDecoder.Mode.LENIENT).sameContent(Decoded.of(good))).isTrue();
  }

  @Test
  void damagingTheLockPageSnapshotAtSampledOffsetsGivesTypedErrors() throws Exception {
    Path file = SharedFixtures.file("generated-v1/lockpage/0000000000000001-0000000000000001.ltx");
    long size = Files.size(file);
    byte[] head = new byte[8192];
    try (InputStream in = Files.newInputStream(file)) {
      assertThat(in.readNBytes(head, 0, head.length)).isEqualTo(head.length);
    }
    long[] flips = {
      0, 5, 9, 13, 20, 44, 85, 100, 104, 105, 106, 111, 5000, size / 2, size - 20, size - 9
    };
    for (long off : flips) {
      LtxFormatException e =
          expectTypedError(
              file.toString(), "flip", off, () -> damaged(file, off, -1), LtxDecoder.Mode.STRICT);
      if (off >= 100 && off < 107) {
        assertThat(e.kind()).as("flip in the lz4 descriptor").isEqualTo(Kind.BAD_LZ4_FRAME);
      }
    }
    for (long len : new long[] {0, 50, 100, 104, 107, 4096, size - 1}) {
      LtxFormatException e =
          expectTypedError(
              file.toString(), "cut", len, () -> damaged(file, -1, len), LtxDecoder.Mode.STRICT);
      assertThat(e.kind()).isEqualTo(Kind.TRUNCATED);
    }
  }

  /** The file with one byte flipped (flipAt >= 0) or cut to {@code length} bytes (>= 0). */
  private static InputStream damaged(Path file, long flipAt, long length) throws IOException {
    InputStream all = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16);
    if (length >= 0) {
      return new java.io.FilterInputStream(all) {
        long left = length;

        @Override
        public int read() throws IOException {
          return left-- > 0 ? super.read() : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          if (left <= 0) {
            return -1;
          }
          int n = super.read(b, off, (int) Math.min(len, left));
          if (n > 0) {
            left -= n;
          }
          return n;
        }
      };
    }
    byte[] prefix = all.readNBytes((int) flipAt + 1);
    prefix[(int) flipAt] ^= (byte) 0xFF;
    return new SequenceInputStream(new ByteArrayInputStream(prefix), all);
  }

  private static List<Integer> offsets(byte[] file, LtxHeader h) {
    TreeSet<Integer> set = new TreeSet<>();
    int n = file.length;
    if (n <= EXHAUSTIVE_LIMIT) {
      for (int i = 0; i < n; i++) {
        set.add(i);
      }
      return List.copyOf(set);
    }
    for (int i = 0; i < LtxHeader.SIZE + 300; i++) {
      set.add(i);
    }
    for (int i = n - 300; i < n; i++) {
      set.add(i);
    }
    if (!h.isCompressed()) {
      for (int frame = LtxHeader.SIZE; frame < n - 20; frame += 4 + h.pageSize()) {
        for (int i = 0; i < 24; i++) {
          set.add(frame + i);
          set.add(frame - 1 - i);
        }
      }
    }
    Random r = new Random(42);
    for (int i = 0; i < 400; i++) {
      set.add(r.nextInt(n));
    }
    set.removeIf(i -> i < 0 || i >= n);
    return List.copyOf(set);
  }

  private static LtxFormatException expectTypedError(
      String file, String what, long off, byte[] bytes, LtxDecoder.Mode mode) {
    return expectTypedError(file, what, off, () -> new ByteArrayInputStream(bytes), mode);
  }

  interface Source {
    InputStream open() throws IOException;
  }

  /**
   * Decodes and returns the typed error; fails on success or on any other throwable, and when
   * decoding allocated more than the page size plus one LZ4 block (both at most 64 KiB) and a small
   * constant (exception and stack trace included).
   */
  private static LtxFormatException expectTypedError(
      String file, String what, long off, Source source, LtxDecoder.Mode mode) {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = 0;
    long bound = SLACK;
    try (InputStream in = source.open()) {
      before = mx.getCurrentThreadAllocatedBytes();
      LtxDecoder dec = LtxDecoder.open(in, mode);
      byte[] page = new byte[dec.header().pageSize()];
      bound += page.length + (dec.header().isCompressed() ? 2 * 65536 : 0);
      while (dec.nextPage(page) != 0) {
        // keep reading: the error may come at the end
      }
      fail("%s: %s at offset %d decoded without error (%s mode)", file, what, off, mode);
      return null;
    } catch (LtxFormatException e) {
      long allocated = mx.getCurrentThreadAllocatedBytes() - before;
      assertThat(allocated)
          .as("%s: %s at %d allocated %d bytes (%s)", file, what, off, allocated, e.getMessage())
          .isLessThan(bound);
      return e;
    } catch (Throwable t) {
      throw new AssertionError(
          file + ": " + what + " at offset " + off + " threw an untyped " + t, t);
    }
  }
}

package dev.replicafs.replication.ltx;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property tests that need no shared fixtures: random histories (snapshot, then incremental files
 * that rewrite, grow and shrink a database) at every page size, raw and LZ4, are encoded, decoded,
 * applied to a real file and compacted, and every checksum is checked against an in-memory model of
 * the database.
 */
class LtxRoundTripTest {
  private static final int[] PAGE_SIZES = {512, 1024, 2048, 4096, 8192, 16384, 32768, 65536};

  @TempDir Path tmp;

  /** The database as a list of pages (index pgno-1). */
  private static final class Model {
    final int pageSize;
    final List<byte[]> pages = new ArrayList<>();

    Model(int pageSize) {
      this.pageSize = pageSize;
    }

    long checksum() {
      DatabaseChecksum acc = new DatabaseChecksum();
      for (int i = 0; i < pages.size(); i++) {
        acc.add(DatabaseChecksum.page(i + 1, pages.get(i)));
      }
      return acc.value();
    }

    byte[] image() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      pages.forEach(out::writeBytes);
      return out.toByteArray();
    }
  }

  private static byte[] randomPage(Random r, int pageSize) {
    byte[] p = new byte[pageSize];
    switch (r.nextInt(3)) {
      case 0 -> r.nextBytes(p);
      case 1 -> Arrays.fill(p, (byte) r.nextInt(256));
      default -> {
        byte[] word = ("page-" + r.nextInt(1000) + "|").getBytes();
        for (int i = 0; i < p.length; i++) {
          p[i] = word[i % word.length];
        }
      }
    }
    return p;
  }

  @Test
  void randomHistoriesRoundTripApplyAndCompactAtEveryPageSize() throws Exception {
    Random r = new Random(20261122);
    for (int round = 0; round < 24; round++) {
      int ps = PAGE_SIZES[round % PAGE_SIZES.length];
      boolean lz4 = (round / PAGE_SIZES.length) % 2 == 1 || round >= 16 && r.nextBoolean();
      runHistory(r, ps, lz4, round);
    }
  }

  private void runHistory(Random r, int ps, boolean lz4, int round) throws Exception {
    int maxPages = Math.max(2, Math.min(24, (1 << 20) / ps));
    Model model = new Model(ps);
    List<byte[]> files = new ArrayList<>();
    Path db = tmp.resolve("db-" + round);
    long txid = 0;
    long pos = 0;
    int steps = 2 + r.nextInt(5);
    try (FileChannel ch =
        FileChannel.open(
            db, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      for (int step = 0; step < steps; step++) {
        boolean snapshot = step == 0;
        int commit =
            snapshot ? 1 + r.nextInt(maxPages) : Math.max(1, model.pages.size() + r.nextInt(7) - 3);
        commit = Math.min(commit, maxPages);
        List<Long> pgnos = new ArrayList<>();
        int oldSize = model.pages.size();
        while (model.pages.size() > commit) {
          model.pages.remove(model.pages.size() - 1);
        }
        for (int p = 1; p <= commit; p++) {
          boolean grows = p > oldSize;
          if (snapshot || grows || r.nextInt(3) == 0) {
            byte[] page = randomPage(r, ps);
            if (p <= model.pages.size()) {
              model.pages.set(p - 1, page);
            } else {
              model.pages.add(page);
            }
            pgnos.add((long) p);
          }
        }
        LtxHeader h =
            LtxHeader.builder(ps, commit, txid + 1, txid + 1)
                .compressed(lz4)
                .timestamp(1000L * (step + 1))
                .preApplyChecksum(snapshot ? 0 : pos)
                .build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LtxEncoder enc = LtxEncoder.open(out, h);
        for (long p : pgnos) {
          enc.writePage(p, model.pages.get((int) p - 1));
        }
        long post = model.checksum();
        LtxTrailer t = snapshot ? enc.finish() : enc.finish(post);
        assertThat(t.postApplyChecksum()).isEqualTo(post);
        byte[] file = out.toByteArray();
        if (!lz4) {
          assertThat(file).hasSize(120 + pgnos.size() * (4 + ps));
        }
        Decoded d = Decoded.of(file);
        assertThat(d.header()).isEqualTo(h);
        assertThat(d.trailer()).isEqualTo(t);
        assertThat(d.pages()).extracting(Decoded.Page::pgno).containsExactlyElementsOf(pgnos);
        for (Decoded.Page p : d.pages()) {
          assertThat(p.data()).isEqualTo(model.pages.get((int) p.pgno() - 1));
        }
        byte[] other = Decoded.encode(h.withFlags(lz4 ? 0 : 1), d.pages(), post);
        assertThat(Decoded.of(other).pageBlock()).isEqualTo(d.pageBlock());

        DatabaseImage.apply(new ByteArrayInputStream(file), ch);
        assertThat(Files.readAllBytes(db)).isEqualTo(model.image());
        long[] perPage = new long[commit];
        assertThat(DatabaseFileChecksum.compute(ch, ps, commit, perPage)).isEqualTo(post);
        files.add(file);
        txid++;
        pos = post;
      }
    }
    assertCompactionReproduces(files, model, lz4);
  }

  private void assertCompactionReproduces(List<byte[]> files, Model model, boolean lz4)
      throws Exception {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    LtxTrailer t = LtxCompactor.withFlags(lz4 ? 1 : 0).compact(streams(files), all);
    assertThat(t.postApplyChecksum()).isEqualTo(model.checksum());
    Path fresh = Files.createTempFile(tmp, "compacted", ".db");
    try (FileChannel ch =
        FileChannel.open(fresh, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      DatabaseImage.apply(new ByteArrayInputStream(all.toByteArray()), ch);
    }
    assertThat(Files.readAllBytes(fresh)).isEqualTo(model.image());

    if (files.size() > 1) {
      Path partial = Files.createTempFile(tmp, "partial", ".db");
      ByteArrayOutputStream rest = new ByteArrayOutputStream();
      LtxCompactor.withFlags(0).compact(streams(files.subList(1, files.size())), rest);
      Decoded tail = Decoded.of(rest.toByteArray());
      assertThat(tail.header().minTxid()).isEqualTo(2);
      assertThat(tail.header().preApplyChecksum())
          .isEqualTo(Decoded.of(files.get(0)).trailer().postApplyChecksum());
      try (FileChannel ch =
          FileChannel.open(partial, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        DatabaseImage.apply(new ByteArrayInputStream(files.get(0)), ch);
        DatabaseImage.apply(new ByteArrayInputStream(rest.toByteArray()), ch);
      }
      assertThat(Files.readAllBytes(partial)).isEqualTo(model.image());
    }
  }

  private static List<InputStream> streams(List<byte[]> files) {
    List<InputStream> ins = new ArrayList<>();
    files.forEach(f -> ins.add(new ByteArrayInputStream(f)));
    return ins;
  }

  @Test
  void snapshotSpanningTheLockPageRoundTripsWithoutIt() throws IOException {
    int ps = 65536;
    long lock = DatabaseChecksum.lockPgno(ps);
    long commit = lock + 1;
    byte[] page = new byte[ps];
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LtxEncoder enc =
        LtxEncoder.open(out, LtxHeader.builder(ps, commit, 1, 1).compressed(true).build());
    DatabaseChecksum want = new DatabaseChecksum();
    long zeros = Crc64.update(0, new byte[ps - 2], 0, ps - 2);
    for (long p = 1; p <= commit; p++) {
      if (p == lock) {
        continue;
      }
      page[0] = (byte) p;
      page[ps - 1] = (byte) (p >>> 8);
      enc.writePage(p, page);
      long head = Crc64.update(Crc64.updateInt(0, (int) p), page, 0, 1);
      long tail = Crc64.update(0, page, ps - 1, 1);
      want.add(Crc64.combine(Crc64.combine(head, zeros, ps - 2), tail, 1));
    }
    LtxTrailer t = enc.finish();
    assertThat(t.postApplyChecksum()).isEqualTo(want.value());
    assertThat(out.size()).as("LZ4 keeps a 1 GiB block small").isLessThan(16 << 20);

    LtxDecoder dec = LtxDecoder.open(new ByteArrayInputStream(out.toByteArray()));
    long expected = 1;
    long pgno;
    while ((pgno = dec.nextPage(page)) != 0) {
      assertThat(pgno).isEqualTo(expected);
      expected = pgno + 1 == lock ? lock + 1 : pgno + 1;
    }
    assertThat(expected).isEqualTo(commit + 1);
    assertThat(dec.trailer()).isEqualTo(t);
  }
}

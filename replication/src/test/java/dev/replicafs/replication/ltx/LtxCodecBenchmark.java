package dev.replicafs.replication.ltx;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;

/**
 * Encode and decode throughput of one LTX snapshot (default 128 MiB of 4096-byte pages, half random
 * and half text-like so LZ4 has work to do), raw and LZ4, in memory on one thread. MB/s are of
 * uncompressed page data. Usage: {@code LtxCodecBenchmark [sizeMiB] [rounds]}; the command is in
 * docs/BENCHMARKS.md.
 */
public final class LtxCodecBenchmark {
  private LtxCodecBenchmark() {}

  public static void main(String[] args) throws IOException {
    int sizeMiB = args.length > 0 ? Integer.parseInt(args[0]) : 128;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int ps = 4096;
    int pages = (sizeMiB << 20) / ps;
    byte[][] content = new byte[64][ps];
    Random r = new Random(9);
    for (int i = 0; i < content.length; i++) {
      if (i % 2 == 0) {
        r.nextBytes(content[i]);
      } else {
        byte[] word = ("row " + i + " name=value-" + r.nextInt() + ";").getBytes();
        for (int j = 0; j < ps; j++) {
          content[i][j] = word[j % word.length];
        }
      }
    }
    double mb = (double) pages * ps / 1e6;
    for (boolean lz4 : new boolean[] {false, true}) {
      LtxHeader h = LtxHeader.builder(ps, pages, 1, 1).compressed(lz4).build();
      for (int round = 0; round < rounds; round++) {
        ByteArrayOutputStream out =
            new ByteArrayOutputStream(lz4 ? 1 << 20 : pages * (ps + 4) + 200);
        long t0 = System.nanoTime();
        LtxEncoder enc = LtxEncoder.open(out, h);
        for (int p = 1; p <= pages; p++) {
          enc.writePage(p, content[p % content.length]);
        }
        LtxTrailer t = enc.finish();
        long t1 = System.nanoTime();
        byte[] file = out.toByteArray();
        long t2 = System.nanoTime();
        LtxDecoder dec = LtxDecoder.open(new ByteArrayInputStream(file));
        byte[] page = new byte[ps];
        while (dec.nextPage(page) != 0) {
          // decode and verify only
        }
        long t3 = System.nanoTime();
        if (!dec.trailer().equals(t)) {
          throw new IllegalStateException("round trip changed the trailer");
        }
        System.out.printf(
            "%s round=%d encode %.0f MB/s, decode+verify %.0f MB/s, file %d bytes%n",
            lz4 ? "lz4" : "raw",
            round,
            mb / ((t1 - t0) / 1e9),
            mb / ((t3 - t2) / 1e9),
            file.length);
      }
    }
  }
}

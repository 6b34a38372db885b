package dev.replicafs.replication.ltx;

import java.nio.ByteBuffer;
import java.util.Random;

/**
 * CRC-64/GO-ISO throughput on one core, heap array and direct buffer, for docs/BENCHMARKS.md: wall
 * MB/s and MB per second of this thread's CPU time (unaffected by other processes). Run: see
 * docs/BENCHMARKS.md, section "LTX codec and checksums".
 */
public final class Crc64Benchmark {
  private Crc64Benchmark() {}

  public static void main(String[] args) {
    int size = 64 << 20;
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    byte[] data = new byte[size];
    new Random(1).nextBytes(data);
    ByteBuffer direct = ByteBuffer.allocateDirect(size);
    direct.put(data).clear();
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long sink = 0;
    for (int r = 0; r < rounds; r++) {
      long c0 = mx.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      sink ^= Crc64.update(0, data, 0, size);
      long c1 = mx.getCurrentThreadCpuTime();
      long t1 = System.nanoTime();
      sink += Crc64.update(0, direct, 0, size);
      long c2 = mx.getCurrentThreadCpuTime();
      long t2 = System.nanoTime();
      System.out.printf(
          "round %d: heap wall %.0f MB/s cpu %.0f MB/s, direct wall %.0f MB/s cpu %.0f MB/s%n",
          r,
          size / 1e6 / ((t1 - t0) / 1e9),
          size / 1e6 / ((c1 - c0) / 1e9),
          size / 1e6 / ((t2 - t1) / 1e9),
          size / 1e6 / ((c2 - c1) / 1e9));
    }
    System.out.printf("sink %016x%n", sink);
  }
}

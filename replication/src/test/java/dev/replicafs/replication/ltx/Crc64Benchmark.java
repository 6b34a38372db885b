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

  private static final long[] TABLE = new long[256];

  static {
    for (int i = 0; i < 256; i++) {
      long c = i;
      for (int k = 0; k < 8; k++) {
        c = (c & 1) != 0 ? (c >>> 1) ^ Crc64.POLY : c >>> 1;
      }
      TABLE[i] = c;
    }
  }

  /** The one-lookup-per-byte loop the spec describes, as the baseline. */
  private static long byteLoop(byte[] data) {
    long crc = -1L;
    for (byte b : data) {
      crc = TABLE[(int) ((crc ^ b) & 0xFF)] ^ (crc >>> 8);
    }
    return ~crc;
  }

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
      long c3 = mx.getCurrentThreadCpuTime();
      sink += byteLoop(data);
      long c4 = mx.getCurrentThreadCpuTime();
      System.out.printf(
          "round %d: table-driven byte loop cpu %.0f MB/s%n", r, size / 1e6 / ((c4 - c3) / 1e9));
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

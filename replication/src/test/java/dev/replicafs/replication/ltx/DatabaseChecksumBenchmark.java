package dev.replicafs.replication.ltx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.Random;

/**
 * Measures {@link DatabaseFileChecksum#compute} on a database file (default 1 GiB of random pages,
 * page size 4096) with 1 and with all available cores, filling the per-page array, and reports MB/s
 * of wall time and per busy core (bytes divided by the process CPU time, which stays meaningful
 * when other processes compete for the cores). The file is written once and reused (it is read from
 * the page cache on later rounds).
 *
 * <p>Usage: {@code DatabaseChecksumBenchmark [file] [sizeMiB] [rounds]}; the command is in
 * docs/BENCHMARKS.md.
 */
public final class DatabaseChecksumBenchmark {
  private DatabaseChecksumBenchmark() {}

  public static void main(String[] args) throws IOException {
    Path file = Paths.get(args.length > 0 ? args[0] : "/tmp/replicafs-checksum-bench.db");
    long sizeMiB = args.length > 1 ? Long.parseLong(args[1]) : 1024;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int pageSize = 4096;
    long bytes = sizeMiB << 20;
    long pages = bytes / pageSize;
    if (!Files.exists(file) || Files.size(file) != bytes) {
      write(file, bytes);
    }
    long[] perPage = new long[(int) pages];
    System.out.printf(
        "file=%s size=%d MiB pages=%d page_size=%d cores=%d%n",
        file, sizeMiB, pages, pageSize, Runtime.getRuntime().availableProcessors());
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      for (int parallelism : new int[] {1, DatabaseFileChecksum.defaultParallelism()}) {
        for (int r = 0; r < rounds; r++) {
          long cpu0 = processCpuNanos();
          long t0 = System.nanoTime();
          long sum =
              DatabaseFileChecksum.compute(
                  ch, pageSize, pages, perPage, parallelism, DatabaseChecksumBenchmark::thread);
          double s = (System.nanoTime() - t0) / 1e9;
          double cpu = (processCpuNanos() - cpu0) / 1e9;
          System.out.printf(
              "parallelism=%d round=%d checksum=%016x wall %.0f MB/s (%.2f s),"
                  + " cpu %.2f s = %.0f MB/s per busy core%n",
              parallelism, r, sum, bytes / 1e6 / s, s, cpu, bytes / 1e6 / cpu);
        }
      }
    }
  }

  /** CPU time of the whole process, so contention from other processes does not count. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static void thread(Runnable r) {
    Thread t = new Thread(r, "bench-checksum");
    t.setDaemon(true);
    t.start();
  }

  private static void write(Path file, long bytes) throws IOException {
    Random random = new Random(1);
    ByteBuffer buf = ByteBuffer.allocate(1 << 20);
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      for (long done = 0; done < bytes; done += buf.capacity()) {
        random.nextBytes(buf.array());
        buf.clear();
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
      }
    }
  }
}

package dev.replicafs.replication.sqlite;

import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Measures how fast {@link WalReader} verifies frames (checksums in both byte orders) from memory.
 * Not a test: run it by hand (see docs/LOCKS.md for the command and results).
 */
public final class WalReaderBenchmark {
  private WalReaderBenchmark() {}

  /**
   * Builds a 64 MiB WAL of 4096-byte pages in each byte order and scans it ten times, printing the
   * last five (the first five warm up the JIT).
   */
  public static void main(String[] args) throws Exception {
    int frames = args.length > 0 ? Integer.parseInt(args[0]) : 16_384;
    for (boolean bigEndian : new boolean[] {false, true}) {
      ByteBuffer wal = build(bigEndian, 4096, frames);
      for (int round = 0; round < 10; round++) {
        long t0 = System.nanoTime();
        WalReader reader = WalReader.open(PositionalSource.of(wal));
        int txs = reader.readTransactions().size();
        long nanos = System.nanoTime() - t0;
        if (round < 5) {
          continue; // warm-up
        }
        System.out.printf(
            "%s checksums: %d frames, %d transactions, %.1f MB/s%n",
            bigEndian ? "big-endian   " : "little-endian",
            frames,
            txs,
            wal.capacity() / 1e6 / (nanos / 1e9));
      }
    }
  }

  /** A valid WAL: random pages, a commit frame every 8 frames. */
  static ByteBuffer build(boolean bigEndian, int pageSize, int frames) {
    WalHeader h = WalHeader.create(bigEndian, pageSize, 0, 0x1234, 0x5678);
    ByteBuffer wal = ByteBuffer.allocate(WalHeader.SIZE + frames * h.frameSize());
    wal.put(h.encode());
    WalChecksum sum = h.checksum();
    byte[] page = new byte[pageSize];
    for (int i = 0; i < frames; i++) {
      ThreadLocalRandom.current().nextBytes(page);
      int o = wal.position();
      wal.putInt(i % 100 + 1).putInt(i % 8 == 7 ? 100 : 0).putInt(h.salt1()).putInt(h.salt2());
      wal.putLong(0).put(page);
      sum = sum.update(bigEndian, wal, o, 8).update(bigEndian, wal, o + 24, pageSize);
      wal.putInt(o + 16, sum.s1()).putInt(o + 20, sum.s2());
    }
    return wal.flip();
  }
}

package dev.replicafs.replication.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.replication.ltx.Pos;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark (not a timed assertion): opens a store holding about 1 GB of databases and reports the
 * checksum throughput of startup recovery (from-scratch checksums of every page plus verification
 * of each database's last LTX file). Results go to stdout and {@code
 * target/store-open-benchmark.txt}; docs/BENCHMARKS.md, section "Store open", records them with the
 * command. Tagged long: it writes about 1 GB.
 */
@Tag("long")
@Tag("bench")
class StoreOpenBenchmark {
  private static final int DATABASES = 4;
  private static final int MB_PER_DATABASE = 256;

  @TempDir Path tmp;

  @Test
  void openStoreWithOneGigabyteOfDatabases() throws Exception {
    Path data = tmp.resolve("data");
    long total = 0;
    for (int i = 0; i < DATABASES; i++) {
      Path dir = Files.createDirectories(data.resolve("dbs/db" + i + ".db"));
      Path db = dir.resolve("database");
      sqlite3(
          db,
          "PRAGMA page_size=4096;"
              + " CREATE TABLE t(v BLOB);"
              + " INSERT INTO t(v) WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n"
              + " WHERE x < "
              + MB_PER_DATABASE * 256
              + ") SELECT randomblob(3900) FROM n;");
      total += Files.size(db);
    }
    // First open records a snapshot per database; one small commit each makes the last LTX file
    // an ordinary incremental one, as on a running node.
    try (Store store = StoreTesting.open(data, true)) {
      for (Db db : store.dbs()) {
        bumpChangeCounter(db);
      }
    }
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "databases=%d totalBytes=%d cores=%d",
            DATABASES,
            total,
            Runtime.getRuntime().availableProcessors()));
    var cpu =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    for (int run = 1; run <= 5; run++) {
      String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
      long cpuStart = cpu.getProcessCpuTime();
      long start = System.nanoTime();
      try (Store store = StoreTesting.open(data, true)) {
        long nanos = System.nanoTime() - start;
        double cpuSeconds = (cpu.getProcessCpuTime() - cpuStart) / 1e9;
        for (Db db : store.dbs()) {
          assertThat(db.pos().txid()).isEqualTo(2);
        }
        double seconds = nanos / 1e9;
        lines.add(
            String.format(
                Locale.ROOT,
                "run=%d openSeconds=%.3f wallMBps=%.0f cpuSeconds=%.3f mbPerCpuSecond=%.0f"
                    + " loadavg1m=%s",
                run,
                seconds,
                total / 1e6 / seconds,
                cpuSeconds,
                total / 1e6 / cpuSeconds,
                load));
      }
    }
    lines.forEach(System.out::println);
    Files.write(Path.of("target", "store-open-benchmark.txt"), lines);
  }

  /** One rollback-journal transaction through the seam: page 1 with its change counter + 1. */
  private static void bumpChangeCounter(Db db) throws IOException {
    int ps = db.pageSize();
    ByteBuffer page = ByteBuffer.allocate(ps);
    db.read(FileKind.DATABASE, page, 0);
    int counter = page.getInt(24) + 1;
    page.putInt(24, counter).putInt(92, counter);
    db.create(FileKind.JOURNAL);
    ByteBuffer header = ByteBuffer.allocate(512);
    header.put(
        new dev.replicafs.replication.sqlite.JournalHeader(0, 1, db.pageCount(), 512, ps).encode());
    db.write(FileKind.JOURNAL, header.clear(), 0);
    db.write(FileKind.DATABASE, page.clear(), 0);
    Pos before = db.pos();
    db.remove(FileKind.JOURNAL);
    assertThat(db.pos().txid()).isEqualTo(before.txid() + 1);
  }

  static void sqlite3(Path db, String sql) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("sqlite3", db.toString(), sql).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }
}

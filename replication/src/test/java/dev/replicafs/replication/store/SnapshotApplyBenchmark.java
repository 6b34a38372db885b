package dev.replicafs.replication.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.replication.ltx.LtxDecoder;
import dev.replicafs.replication.ltx.Pos;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark (not a timed assertion): where a replica's snapshot bootstrap spends its time, without
 * the network: a {@code bench.snapshotApplyMiB} (default 512) SQLite database of random blobs is
 * snapshotted into a file, then (1) only decoded and verified, (2) received by a fresh replica
 * store ({@link Db#receive}: spool + temporary database, checksums) and (3) applied (fsyncs,
 * renames). Checks only that the replica ends at the primary's position with identical bytes.
 * Output: stdout and {@code target/snapshot-apply-benchmark.txt}.
 */
@Tag("long")
@Tag("bench")
class SnapshotApplyBenchmark {
  private static final int MIB = Integer.getInteger("bench.snapshotApplyMiB", 512);

  @TempDir Path tmp;

  @Test
  void phasesOfASnapshotApply() throws Exception {
    Path dbDir = Files.createDirectories(tmp.resolve("primary/dbs/big.db"));
    Path file = dbDir.resolve("database");
    Process p =
        new ProcessBuilder(
                "sqlite3",
                file.toString(),
                "PRAGMA page_size=4096; PRAGMA journal_mode=OFF; CREATE TABLE b(x BLOB);"
                    + " WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < "
                    + (MIB * 256L)
                    + ") INSERT INTO b SELECT randomblob(4000) FROM c;")
            .inheritIO()
            .start();
    assertThat(p.waitFor()).isZero();
    Path ltx = tmp.resolve("snapshot.ltx");
    Pos primaryPos;
    try (Store primary = StoreTesting.open(tmp.resolve("primary"), true);
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(ltx), 1 << 16)) {
      Db db = primary.db("big.db").orElseThrow();
      db.writeSnapshot(out);
      primaryPos = db.pos();
    }
    long bytes = Files.size(file);
    StringBuilder report = new StringBuilder();
    long t0 = System.nanoTime();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(ltx), 1 << 16)) {
      LtxDecoder.open(in).verify();
    }
    line(report, "decode and verify only", bytes, System.nanoTime() - t0);
    try (Store replica = StoreTesting.open(tmp.resolve("replica"), false)) {
      t0 = System.nanoTime();
      ReceivedLtx r;
      try (InputStream in = new BufferedInputStream(Files.newInputStream(ltx), 1 << 16)) {
        r = replica.receiveNew("big.db", in);
      }
      long received = System.nanoTime();
      line(report, "receive (spool + temporary database)", bytes, received - t0);
      Pos pos = replica.applyNew(r);
      long applied = System.nanoTime();
      line(report, "apply (fsyncs, renames)", bytes, applied - received);
      line(report, "receive + apply", bytes, applied - t0);
      assertThat(pos).isEqualTo(primaryPos);
      assertThat(Files.mismatch(file, replica.db("big.db").orElseThrow().path(FileKind.DATABASE)))
          .isEqualTo(-1);
    }
    Files.writeString(Path.of("target", "snapshot-apply-benchmark.txt"), report.toString());
  }

  private static void line(StringBuilder report, String what, long bytes, long nanos)
      throws Exception {
    String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    String s =
        String.format(
            Locale.ROOT,
            "%s: %d MiB in %.3f s = %.0f MB/s (loadavg1m=%s)",
            what,
            bytes >> 20,
            nanos / 1e9,
            bytes / 1e6 / (nanos / 1e9),
            load);
    System.out.println(s);
    report.append(s).append('\n');
  }
}

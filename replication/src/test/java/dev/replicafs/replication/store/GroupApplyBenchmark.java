package dev.replicafs.replication.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.replication.ltx.LtxFileName;
import dev.replicafs.replication.store.SqliteMirror.Mode;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark (not a timed assertion): how many single-transaction LTX files per second a replica
 * store applies, one at a time (the cost every file paid before group apply: three fsyncs) and in
 * groups of 16 and 256 (docs/ARCHITECTURE.md, "Apply (replica)"), the latter also with the group's
 * file fsyncs issued one after the other (one sync thread), on the same files, alternating rounds
 * so the machine's load hits every variant alike. Checks only that every replica ends
 * byte-identical to the primary. Output: stdout and {@code target/group-apply-benchmark.txt}.
 */
@Tag("long")
@Tag("bench")
class GroupApplyBenchmark {
  private static final int FILES = Integer.getInteger("bench.groupApplyFiles", 1000);
  private static final int ROUNDS = Integer.getInteger("bench.groupApplyRounds", 3);

  @TempDir Path tmp;

  @Test
  void filesPerSecondAppliedAloneAndInGroups() throws Exception {
    List<byte[]> files = new ArrayList<>();
    byte[] database;
    try (Store store = StoreTesting.open(tmp.resolve("primary"), true);
        SqliteMirror sqlite =
            new SqliteMirror(Files.createDirectories(tmp.resolve("sql")), Mode.DELETE, 4096, 1)) {
      Db db = store.create("app.db");
      SqliteMirror.run(db, sqlite.init());
      for (int i = 0; i < FILES; i++) {
        SqliteMirror.run(db, sqlite.tx("INSERT INTO t(v) VALUES(randomblob(100))"));
      }
      for (LtxFileName n : db.ltxFiles()) {
        files.add(Files.readAllBytes(db.ltxPath(n)));
      }
      database = Files.readAllBytes(db.path(FileKind.DATABASE));
    }
    StringBuilder out = new StringBuilder();
    for (int round = 1; round <= ROUNDS; round++) {
      for (int[] variant : new int[][] {{1, 8}, {16, 8}, {256, 8}, {256, 1}}) {
        int group = variant[0];
        int syncThreads = variant[1];
        Path dir = tmp.resolve("replica-" + round + "-" + group + "-" + syncThreads);
        double seconds;
        try (Store replica =
            Store.builder(StoreOptions.defaults(dir).withNodeId(7))
                .primary(false)
                .syncThreads(syncThreads)
                .open()) {
          Db target = replica.create("app.db");
          target.apply(new ByteArrayInputStream(files.get(0)));
          long start = System.nanoTime();
          for (int i = 1; i < files.size(); i += group) {
            List<ReceivedLtx> batch = new ArrayList<>();
            for (int j = i; j < Math.min(files.size(), i + group); j++) {
              batch.add(target.receive(new ByteArrayInputStream(files.get(j))));
            }
            target.apply(batch);
          }
          seconds = (System.nanoTime() - start) / 1e9;
          assertThat(Files.readAllBytes(target.path(FileKind.DATABASE))).isEqualTo(database);
        }
        String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        String line =
            String.format(
                Locale.ROOT,
                "round=%d group=%d syncThreads=%d files=%d seconds=%.3f filesPerSecond=%.0f"
                    + " meanMicros=%.0f loadavg1m=%s",
                round,
                group,
                syncThreads,
                files.size() - 1,
                seconds,
                (files.size() - 1) / seconds,
                seconds * 1e6 / (files.size() - 1),
                load);
        System.out.println(line);
        out.append(line).append('\n');
      }
    }
    Files.writeString(Path.of("target", "group-apply-benchmark.txt"), out.toString());
  }
}

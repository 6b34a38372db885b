package dev.replicafs.replication.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.replication.store.SqliteMirror.Mode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Benchmark (not a timed assertion): single-row write transactions per second through the store
 * seam alone (no FUSE), replaying the exact file operations real SQLite made for them, so the
 * numbers show what the commit path (LTX encode, fsyncs, rename) costs before any kernel round
 * trip. Output: stdout and {@code target/commit-benchmark-<mode>.txt}.
 */
@Tag("long")
@Tag("bench")
class CommitBenchmark {
  private static final int TRANSACTIONS = 2000;

  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(Mode.class)
  void singleRowTransactionsThroughTheSeam(Mode mode) throws Exception {
    try (Store store = StoreTesting.open(tmp.resolve("data"), true);
        SqliteMirror sqlite =
            new SqliteMirror(Files.createDirectories(tmp.resolve("sql")), mode, 4096, 1)) {
      Db db = store.create("app.db");
      SqliteMirror.run(db, sqlite.init());
      List<List<SqliteMirror.Call>> scripts = new ArrayList<>();
      for (int i = 0; i < TRANSACTIONS; i++) {
        scripts.add(sqlite.tx("INSERT INTO t(v) VALUES(randomblob(100))"));
      }
      long before = db.pos().txid();
      long start = System.nanoTime();
      for (List<SqliteMirror.Call> calls : scripts) {
        SqliteMirror.run(db, calls);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      assertThat(db.pos().txid()).isEqualTo(before + TRANSACTIONS);
      String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
      String line =
          String.format(
              Locale.ROOT,
              "mode=%s transactions=%d seconds=%.3f txPerSecond=%.0f meanMicros=%.0f loadavg1m=%s",
              mode,
              TRANSACTIONS,
              seconds,
              TRANSACTIONS / seconds,
              seconds * 1e6 / TRANSACTIONS,
              load);
      System.out.println(line);
      Files.writeString(Path.of("target", "commit-benchmark-" + mode + ".txt"), line + "\n");
    }
  }
}

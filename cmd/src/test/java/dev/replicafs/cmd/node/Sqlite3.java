package dev.replicafs.cmd.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One-shot {@code sqlite3} CLI runs (a separate process, as an application would be). */
final class Sqlite3 {
  private Sqlite3() {}

  /** Runs {@code sql} on {@code db} with a busy timeout; requires exit 0; returns the output. */
  static String run(Path db, String sql) throws Exception {
    Process p =
        new ProcessBuilder(
                List.of("sqlite3", "-batch", "-cmd", ".timeout 10000", db.toString(), sql))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("sqlite3 " + db + " " + sql).isTrue();
    assertThat(p.exitValue()).as(db + ": " + sql + " -> " + out).isZero();
    return out;
  }
}

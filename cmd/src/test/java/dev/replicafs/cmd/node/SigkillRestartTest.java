package dev.replicafs.cmd.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A primary SIGKILLed while an application commits as fast as it can, restarted on the same data
 * directory: every transaction whose {@code COMMIT} returned is there after the restart, and a
 * replica started afterwards converges to the same data. Since 2026-12-06 a WAL commit returns
 * before its LTX file is named, so the restart must record the committed WAL transactions the kill
 * left without a file instead of cutting them (docs/ARCHITECTURE.md, recovery step 3). Real
 * processes, real FUSE, real {@code sqlite3}.
 */
class SigkillRestartTest {
  @TempDir Path dir;

  @BeforeAll
  static void prerequisites() throws Exception {
    MountProcess.requireFuse();
  }

  @Test
  void everyAcknowledgedCommitSurvivesASigkillOfThePrimary() throws Exception {
    Path node = dir.resolve("p");
    int port = MountProcess.freePort();
    String url = "http://127.0.0.1:" + port;
    String yaml = MountProcess.config(node, port, true, url);
    long acked = 0;
    int derived = 0;
    for (int round = 0; round < 3; round++) {
      MountProcess p = MountProcess.start(node, yaml, Map.of()).awaitReady();
      try {
        Path db = p.mnt.resolve("app.db");
        if (round == 0) {
          Sqlite3.run(
              db,
              "PRAGMA journal_mode=WAL; CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB NOT NULL)");
        }
        // Commits are sequential, so the rows are ids 1..max with no gap, and every acknowledged
        // id is among them (commits that returned after their ack was lost with sqlite3 may be
        // too).
        long max = maxId(db);
        assertThat(max)
            .as("round %d: highest id after restart", round)
            .isGreaterThanOrEqualTo(acked);
        assertThat(count(db, max)).as("round %d: rows 1..%d, no gap", round, max).isEqualTo(max);
        acked = writeUntilKilled(db, max, p);
      } finally {
        p.close();
      }
      derived += logCount(node, "recorded committed wal transactions that had no ltx file");
    }
    MountProcess p = MountProcess.start(node, yaml, Map.of()).awaitReady();
    Path rdir = dir.resolve("r");
    int rport = MountProcess.freePort();
    try (p;
        MountProcess r =
            MountProcess.start(rdir, MountProcess.config(rdir, rport, false, url), Map.of())
                .awaitReady()) {
      derived += logCount(node, "recorded committed wal transactions that had no ltx file");
      long max = maxId(p.mnt.resolve("app.db"));
      assertThat(max).isGreaterThanOrEqualTo(acked);
      assertThat(count(p.mnt.resolve("app.db"), max)).isEqualTo(max);
      String want = Sqlite3.run(p.mnt.resolve("app.db"), "SELECT count(*), sum(length(v)) FROM t");
      Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
      String got = "";
      while (Instant.now().isBefore(deadline)) {
        got = Sqlite3.run(r.mnt.resolve("app.db"), "SELECT count(*), sum(length(v)) FROM t");
        if (got.equals(want)) {
          break;
        }
        Thread.sleep(200);
      }
      assertThat(got).as("replica converged").isEqualTo(want);
      assertThat(Sqlite3.run(r.mnt.resolve("app.db"), "PRAGMA integrity_check")).isEqualTo("ok");
    }
    System.out.println(
        "SigkillRestartTest: acknowledged="
            + acked
            + " restarts that recorded unnamed commits="
            + derived);
  }

  private static long maxId(Path db) throws Exception {
    return Long.parseLong(Sqlite3.run(db, "SELECT coalesce(max(id), 0) FROM t"));
  }

  /** Rows with {@code id <= upTo}. */
  private static long count(Path db, long upTo) throws Exception {
    return Long.parseLong(Sqlite3.run(db, "SELECT count(*) FROM t WHERE id <= " + upTo));
  }

  /**
   * Commits single-row transactions through one {@code sqlite3} process (WAL, synchronous=NORMAL),
   * each followed by a {@code SELECT} of its id, which sqlite3 prints only after the commit
   * returned successfully ({@code -bail}); SIGKILLs the node after 1,500 acknowledgements (while
   * commits are in flight) and returns the highest acknowledged id.
   */
  private static long writeUntilKilled(Path db, long from, MountProcess node) throws Exception {
    Process w =
        // -bail: the first failed statement ends sqlite3, so no SELECT prints after a failed INSERT
        new ProcessBuilder(List.of("sqlite3", "-batch", "-bail", db.toString()))
            .redirectErrorStream(true)
            .start();
    AtomicLong last = new AtomicLong(from);
    Thread feeder =
        new Thread(
            () -> {
              try (OutputStream in = w.getOutputStream()) {
                in.write(
                    ".timeout 10000\nPRAGMA synchronous=NORMAL;\n"
                        .getBytes(StandardCharsets.UTF_8));
                for (long i = from + 1; i <= from + 1_000_000; i++) {
                  in.write(
                      ("INSERT INTO t(id, v) VALUES("
                              + i
                              + ", randomblob(300)); SELECT 'ack "
                              + i
                              + "';\n")
                          .getBytes(StandardCharsets.UTF_8));
                }
              } catch (java.io.IOException ended) {
                // sqlite3 exited (the mount went away)
              }
            });
    feeder.setDaemon(true);
    feeder.start();
    boolean killed = false;
    StringBuilder other = new StringBuilder();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(w.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      // A printed id means its commit returned, necessarily before the kill: lines still buffered
      // after the kill count too.
      while ((line = readLine(out)) != null) {
        if (line.matches("ack \\d+")) {
          last.set(Long.parseLong(line.substring(4)));
          if (!killed && last.get() - from >= 1_500) {
            node.killTree();
            killed = true;
            w.destroyForcibly();
          }
        } else if (other.length() < 2_000) {
          other.append(line).append('\n');
        }
      }
    } finally {
      w.destroyForcibly();
      w.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(last.get() - from)
        .as("acknowledged commits this round; other output:\n%s\nnode log:\n%s", other, node.log())
        .isGreaterThanOrEqualTo(1_500);
    return last.get();
  }

  /** The next line, or null at the end or once the killed writer's stream is closed. */
  private static String readLine(BufferedReader out) {
    try {
      return out.readLine();
    } catch (java.io.IOException closed) {
      return null;
    }
  }

  private static int logCount(Path node, String text) throws Exception {
    String log = java.nio.file.Files.readString(node.resolve("log"));
    int n = 0;
    for (int i = log.indexOf(text); i >= 0; i = log.indexOf(text, i + 1)) {
      n++;
    }
    return n;
  }
}

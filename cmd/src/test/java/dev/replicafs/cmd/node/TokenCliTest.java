package dev.replicafs.cmd.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.cmd.ExitCodes;
import dev.replicafs.cmd.Main;
import dev.replicafs.cmd.config.LoadContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: {@code replicafs export} and {@code import} against real nodes whose API requires the
 * cluster token ({@code http.token-file}): without a token, or with a wrong one, the node answers
 * 401 and the command fails with a message naming the options; with the token from {@code
 * -token-file}, {@code $REPLICAFS_TOKEN} or the node's own config ({@code -config}) they succeed.
 */
class TokenCliTest {
  private static final String TOKEN = "0123456789abcdef0123456789abcdef-test-token";

  @TempDir Path dir;

  @BeforeAll
  static void prerequisites() throws Exception {
    MountProcess.requireFuse();
  }

  @Test
  void exportAndImportNeedTheClusterTokenOfTheNode() throws Exception {
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, TOKEN + "\n");
    Path wrongFile = dir.resolve("wrong");
    Files.writeString(wrongFile, "not-the-token\n");
    int primaryPort = MountProcess.freePort();
    int replicaPort = MountProcess.freePort();
    String advertise = "http://127.0.0.1:" + primaryPort;
    Path p = dir.resolve("primary");
    Path r = dir.resolve("replica");
    try (MountProcess primary =
            MountProcess.start(p, config(p, primaryPort, true, advertise, tokenFile), Map.of())
                .awaitReady();
        MountProcess replica =
            MountProcess.start(r, config(r, replicaPort, false, advertise, tokenFile), Map.of())
                .awaitReady()) {
      Sqlite3.run(
          primary.mnt.resolve("app.db"),
          "CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('a'), ('b'), ('c');");
      // The export below reads from the replica: wait until it has applied the primary's position.
      String committed = Files.readString(primary.mnt.resolve("app.db-pos")).trim();
      java.time.Instant deadline = java.time.Instant.now().plusSeconds(30);
      Path replicaPos = replica.mnt.resolve("app.db-pos");
      while (!(Files.exists(replicaPos) && Files.readString(replicaPos).trim().equals(committed))
          && java.time.Instant.now().isBefore(deadline)) {
        Thread.sleep(10);
      }
      assertThat(Files.readString(replicaPos).trim()).as("replica caught up").isEqualTo(committed);
      String api = "http://127.0.0.1:" + replicaPort;
      Path out = dir.resolve("out.db");

      Result none = cli(Map.of(), "export", "-name", "app.db", "-url", api, out.toString());
      assertThat(none.code).as(none.output).isEqualTo(ExitCodes.RUNTIME_ERROR);
      assertThat(none.output).contains("401", "missing cluster token", "-token-file");
      assertThat(none.output).doesNotContain(TOKEN);
      assertThat(out).doesNotExist();

      Result wrong =
          cli(
              Map.of(),
              "export",
              "-name",
              "app.db",
              "-url",
              api,
              "-token-file",
              wrongFile.toString(),
              out.toString());
      assertThat(wrong.code).as(wrong.output).isEqualTo(ExitCodes.RUNTIME_ERROR);
      assertThat(wrong.output).contains("401", "wrong cluster token");

      Result withFile =
          cli(
              Map.of(),
              "export",
              "-name",
              "app.db",
              "-url",
              api,
              "-token-file",
              tokenFile.toString(),
              out.toString());
      assertThat(withFile.code).as(withFile.output).isZero();
      assertThat(Sqlite3.run(out, "SELECT group_concat(x) FROM t")).isEqualTo("a,b,c");

      Path viaEnv = dir.resolve("env.db");
      Result withEnv =
          cli(
              Map.of("REPLICAFS_TOKEN", TOKEN),
              "export",
              "-name",
              "app.db",
              "-url",
              api,
              viaEnv.toString());
      assertThat(withEnv.code).as(withEnv.output).isZero();
      assertThat(Sqlite3.run(viaEnv, "SELECT count(*) FROM t")).isEqualTo("3");

      Result importNone = cli(Map.of(), "import", "-name", "copy.db", "-url", api, out.toString());
      assertThat(importNone.code).as(importNone.output).isEqualTo(ExitCodes.RUNTIME_ERROR);
      assertThat(importNone.output).contains("401");
      assertThat(primary.mnt.resolve("copy.db")).doesNotExist();

      Result importConfig =
          cli(
              Map.of(),
              "import",
              "-name",
              "copy.db",
              "-url",
              api,
              "-config",
              r.resolve("replicafs.yml").toString(),
              out.toString());
      assertThat(importConfig.code).as(importConfig.output).isZero();
      assertThat(Sqlite3.run(primary.mnt.resolve("copy.db"), "SELECT group_concat(x) FROM t"))
          .isEqualTo("a,b,c");
    }
  }

  /** {@link MountProcess#config} with {@code http.token-file}. */
  private static String config(
      Path dir, int port, boolean candidate, String advertise, Path tokenFile) {
    String addr = "  addr: \"127.0.0.1:" + port + "\"\n";
    return MountProcess.config(dir, port, candidate, advertise)
        .replace(addr, addr + "  token-file: \"" + tokenFile + "\"\n");
  }

  private record Result(int code, String output) {}

  private static Result cli(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    PrintWriter w = new PrintWriter(out);
    Map<String, String> all = new HashMap<>(System.getenv());
    all.remove("REPLICAFS_TOKEN");
    all.putAll(env);
    LoadContext system = LoadContext.system();
    LoadContext context =
        new LoadContext(all, system.workingDir(), system.homeDir(), system.hostname());
    int code = Main.run(args, new NodeActions(w), context, w, w);
    w.flush();
    return new Result(code, out.toString());
  }
}

package dev.replicafs.cmd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.cmd.config.ExecEntry;
import dev.replicafs.cmd.config.LoadContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  /** Records the request each command hands over; the CLI/machinery seam's test fake. */
  private static final class RecordingActions implements Actions {
    Object request;
    int code;
    RuntimeException failure;

    @Override
    public int mount(Requests.Mount r) {
      request = r;
      return answer();
    }

    @Override
    public int run(Requests.Run r) {
      request = r;
      return answer();
    }

    @Override
    public void export(Requests.Export r) {
      request = r;
      answer();
    }

    @Override
    public void importDatabase(Requests.Import r) {
      request = r;
      answer();
    }

    private int answer() {
      if (failure != null) {
        throw failure;
      }
      return code;
    }
  }

  private final RecordingActions actions = new RecordingActions();

  private int run(Actions with, String... args) {
    LoadContext context = new LoadContext(Map.of(), dir, dir.resolve("home"), () -> "host-1");
    return Main.run(args, with, context, new PrintWriter(out), new PrintWriter(err));
  }

  private int run(String... args) {
    return run(actions, args);
  }

  private Path config(String yaml) throws Exception {
    Path file = dir.resolve("replicafs.yml");
    Files.writeString(file, yaml);
    return file;
  }

  private static final String STATIC =
      "lease: {type: static, advertise-url: http://p:20202}\nexec: app -x\n";

  @Test
  void versionPrintsTheVersion() {
    assertThat(run("version")).isZero();
    assertThat(out.toString()).startsWith("ReplicaFS ").contains("java 17");
  }

  @Test
  void withoutACommandPrintsUsageAndExitsTwo() {
    assertThat(run()).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("Usage: replicafs").contains("mount").contains("export");
  }

  @Test
  void unknownCommandOrFlagIsAUsageError() {
    assertThat(run("frobnicate")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("ERROR: Unmatched argument").contains("--help");
    assertThat(run("mount", "-nope")).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void everyCommandHasHelp() {
    for (String command : List.of("mount", "run", "export", "import", "version", "bench")) {
      for (String flag : List.of("--help", "-help", "-h")) {
        out.getBuffer().setLength(0);
        assertThat(run(command, flag)).as(command + " " + flag).isZero();
        assertThat(out.toString()).contains("Usage: replicafs " + command);
      }
    }
    out.getBuffer().setLength(0);
    run("mount", "--help");
    assertThat(out.toString())
        .contains(
            "-config", "-no-expand-env", "-skip-unmount", "-debug", "-fuse.debug", "-tracing");
    out.getBuffer().setLength(0);
    run("run", "--help");
    assertThat(out.toString()).contains("-promote", "-with-halt-lock-on", "-if-candidate", "-url");
  }

  @Test
  void mountLoadsTheConfigAndAppliesFlags() throws Exception {
    Path file = config(STATIC);
    actions.code = 23;
    assertThat(run("mount", "-config", file.toString(), "-debug", "-fuse.debug", "-skip-unmount"))
        .isEqualTo(23);
    Requests.Mount m = (Requests.Mount) actions.request;
    assertThat(m.configPath()).isEqualTo(file);
    assertThat(m.config().log().debug()).isTrue();
    assertThat(m.config().fuse().debug()).isTrue();
    assertThat(m.skipUnmount()).isTrue();
    assertThat(m.tracingToStdout()).isFalse();
    assertThat(m.config().exec()).containsExactly(new ExecEntry("app -x", false));
  }

  @Test
  void mountAcceptsDoubleDashFlagsAndFindsTheConfigBySearch() throws Exception {
    config(STATIC);
    assertThat(run("mount", "--no-expand-env", "--tracing")).isZero();
    Requests.Mount m = (Requests.Mount) actions.request;
    assertThat(m.configPath()).isEqualTo(dir.resolve("replicafs.yml"));
    assertThat(m.tracingToStdout()).isTrue();
  }

  @Test
  void commandAfterDoubleDashReplacesExecKeepingArgumentsIntact() throws Exception {
    Path file = config(STATIC);
    assertThat(run("mount", "-config", file.toString(), "--", "sh", "-c", "echo 'a b'; exit 3"))
        .isZero();
    Requests.Mount m = (Requests.Mount) actions.request;
    assertThat(m.config().exec()).hasSize(1);
    assertThat(dev.replicafs.cmd.exec.ShellWords.split(m.config().exec().get(0).cmd()))
        .containsExactly("sh", "-c", "echo 'a b'; exit 3");
  }

  @Test
  void positionalArgumentsWithoutDoubleDashAreRejected() throws Exception {
    Path file = config(STATIC);
    assertThat(run("mount", "-config", file.toString(), "myapp")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("specify a '--' to specify an exec command");
    assertThat(run("mount", "-config", file.toString(), "stray", "--", "app"))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(run("run", "stray", "--", "app")).isEqualTo(ExitCodes.USAGE);
    assertThat(run("run", "app")).isEqualTo(ExitCodes.USAGE);
    assertThat(actions.request).isNull();
  }

  @Test
  void invalidConfigExitsTwoNamingFileAndLine() throws Exception {
    Path file = config(STATIC + "fuse:\n  dri: /x\n");
    assertThat(run("mount", "-config", file.toString())).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString().strip())
        .isEqualTo("ERROR: replicafs.yml:4: unknown key \"fuse.dri\" (did you mean \"dir\"?)");
  }

  @Test
  void missingConfigExitsTwoListingTheSearchPaths() {
    assertThat(run("mount")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("config file not found").contains("litefs.yml");
  }

  @Test
  void unparsableExecEntryIsAConfigError() throws Exception {
    Path file =
        config("lease: {type: static, advertise-url: http://p:1}\nexec: migrate && serve\n");
    assertThat(run("mount", "-config", file.toString())).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("sh -c");
  }

  @Test
  void unwiredMountSaysSoAndExitsThree() throws Exception {
    Path file = config(STATIC);
    assertThat(run(Actions.unwired(), "mount", "-config", file.toString()))
        .isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(err.toString()).contains("is valid").contains("not wired");
  }

  @Test
  void runPassesItsRequestAndTheCommandsExitCode() {
    actions.code = 42;
    assertThat(
            run(
                "run",
                "-url",
                "http://node:20202",
                "-with-halt-lock-on",
                "/litefs/app.db",
                "-v",
                "--",
                "sqlite3",
                "/litefs/app.db"))
        .isEqualTo(42);
    Requests.Run r = (Requests.Run) actions.request;
    assertThat(r.url()).isEqualTo(URI.create("http://node:20202"));
    assertThat(r.haltLockOn()).isEqualTo(Path.of("/litefs/app.db"));
    assertThat(r.verbose()).isTrue();
    assertThat(r.promote()).isFalse();
    assertThat(r.command()).containsExactly("sqlite3", "/litefs/app.db");
    assertThat(run("run", "-promote", "-if-candidate", "--", "true")).isEqualTo(42);
    r = (Requests.Run) actions.request;
    assertThat(r.url()).isEqualTo(URI.create("http://localhost:20202"));
    assertThat(r.promote()).isTrue();
    assertThat(r.ifCandidate()).isTrue();
  }

  @Test
  void runRejectsConflictingOrMissingArguments() {
    assertThat(run("run", "-promote", "-with-halt-lock-on", "/litefs/db", "--", "true"))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("-promote and -with-halt-lock-on cannot be used together");
    assertThat(run("run", "-promote")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("no command");
    assertThat(run("run", "-url", "ftp://x", "--", "true")).isEqualTo(ExitCodes.USAGE);
    assertThat(run("run", "-with-halt-lock-on", "db", "--", "true")).isEqualTo(ExitCodes.USAGE);
    assertThat(actions.request).isNull();
  }

  @Test
  void exportValidatesAndHandsOver() {
    assertThat(run("export", dir.resolve("out.db").toString())).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("-name");
    assertThat(run("export", "-name", "../etc", dir.resolve("out.db").toString()))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(run("export", "-name", "app.db", dir.resolve("out.db").toString())).isZero();
    assertThat(actions.request)
        .isEqualTo(
            new Requests.Export(
                URI.create("http://localhost:20202"), "app.db", dir.resolve("out.db")));
    assertThat(run("export", "-name", "app.db", dir.resolve("missing/out.db").toString()))
        .isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void importRefusesFilesThatAreNotSqliteDatabases() throws Exception {
    Path text = dir.resolve("notes.txt");
    Files.writeString(text, "hello, not a database");
    assertThat(run("import", "-name", "app.db", text.toString())).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("is not a SQLite database");
    assertThat(run("import", "-name", "app.db", dir.resolve("none.db").toString()))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(actions.request).isNull();

    Path db = dir.resolve("real.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (x)");
    }
    assertThat(run("import", "--name", "app.db", "--url", "http://p:20202", db.toString()))
        .isZero();
    assertThat(actions.request)
        .isEqualTo(new Requests.Import(URI.create("http://p:20202"), "app.db", db));
    assertThat(run(Actions.unwired(), "import", "-name", "app.db", db.toString()))
        .isEqualTo(ExitCodes.UNAVAILABLE);
  }

  @Test
  void benchRefusesNonsenseSizesAsAUsageError() {
    assertThat(run("bench", "-replicas", "-1")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("replicas must be >= 0 (0 measures the mount alone)");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void failuresMapToStableExitCodes() throws Exception {
    Path file = config(STATIC);
    actions.failure = new CliException("primary unreachable at http://p:20202");
    assertThat(run("mount", "-config", file.toString())).isEqualTo(ExitCodes.RUNTIME_ERROR);
    assertThat(err.toString()).contains("ERROR: primary unreachable");
    actions.failure = new IllegalStateException("bug");
    assertThat(run("mount", "-config", file.toString())).isEqualTo(ExitCodes.FATAL);
    assertThat(err.toString()).contains("internal error");
  }
}

package dev.replicafs.cmd.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sends real SIGTERMs to a separate JVM running the supervisor ({@link ExecProbeMain}) and checks
 * that the grandchild received the signal and that its exit code became the JVM's.
 */
class ExecSignalForwardingProcessTest {
  @TempDir Path dir;

  private Process probe(String... commands) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> argv =
        new java.util.ArrayList<>(
            List.of(
                java,
                "-Xshare:auto",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                ExecProbeMain.class.getName()));
    argv.addAll(List.of(commands));
    return new ProcessBuilder(argv)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("probe.log").toFile())
        .start();
  }

  @Test
  void sigtermToTheJvmReachesTheChildAndItsExitCodePassesThrough() throws Exception {
    Path ready = dir.resolve("ready");
    Path got = dir.resolve("got");
    String child =
        "sh -c 'trap \"echo term > "
            + got
            + "; kill $! 2>/dev/null; exit 42\" TERM; touch "
            + ready
            + "; sleep 30 & wait $!'";
    Process jvm = probe(child);
    ExecSupervisorTest.awaitFile(ready);
    jvm.destroy(); // SIGTERM to the supervising JVM
    assertThat(jvm.waitFor(30, TimeUnit.SECONDS)).as("supervisor jvm exited").isTrue();
    assertThat(jvm.exitValue()).as(Files.readString(dir.resolve("probe.log"))).isEqualTo(42);
    assertThat(Files.readString(got)).isEqualTo("term\n");
  }

  @Test
  void childExitCodeBecomesTheJvmExitCodeWithoutSignals() throws Exception {
    Process jvm = probe("true", "sh -c 'exit 17'");
    assertThat(jvm.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(jvm.exitValue()).isEqualTo(17);
  }

  @Test
  void failingEarlierEntryMakesTheJvmExitOneWithTheReason() throws Exception {
    Process jvm = probe("sh -c 'exit 4'", "true");
    assertThat(jvm.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(jvm.exitValue()).isEqualTo(1);
    assertThat(Files.readString(dir.resolve("probe.log")))
        .contains("\"sh -c 'exit 4'\" exited with code 4");
  }
}

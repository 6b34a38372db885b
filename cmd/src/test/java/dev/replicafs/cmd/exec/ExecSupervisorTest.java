package dev.replicafs.cmd.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.replicafs.cmd.config.ExecEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecSupervisorTest {
  @TempDir Path dir;

  private static ExecEntry entry(String cmd) {
    return new ExecEntry(cmd, false);
  }

  private String appendTo(String name, String word) {
    return "sh -c 'echo " + word + " >> " + dir.resolve(name) + "'";
  }

  @Test
  void runsEntriesInOrderAndReturnsTheLastExitCode() throws Exception {
    var entries =
        List.of(
            entry(appendTo("log", "one")),
            entry(appendTo("log", "two")),
            entry("sh -c 'echo three >> " + dir.resolve("log") + "; exit 7'"));
    try (ExecSupervisor supervisor = new ExecSupervisor(entries, true)) {
      assertThat(supervisor.run()).isEqualTo(7);
    }
    assertThat(Files.readAllLines(dir.resolve("log"))).containsExactly("one", "two", "three");
  }

  @Test
  void failingEarlierEntryStopsStartupNamingCommandAndCode() throws Exception {
    var entries = List.of(entry("sh -c 'exit 3'"), entry(appendTo("never", "x")));
    try (ExecSupervisor supervisor = new ExecSupervisor(entries, true)) {
      ExecException e = catchThrowableOfType(ExecException.class, supervisor::run);
      assertThat(e).hasMessageContaining("\"sh -c 'exit 3'\" exited with code 3");
    }
    assertThat(dir.resolve("never")).doesNotExist();
  }

  @Test
  void ifCandidateEntriesRunOnlyOnCandidates() throws Exception {
    var entries =
        List.of(new ExecEntry(appendTo("log", "migrate"), true), entry(appendTo("log", "serve")));
    try (ExecSupervisor supervisor = new ExecSupervisor(entries, false)) {
      assertThat(supervisor.run()).isZero();
    }
    assertThat(Files.readAllLines(dir.resolve("log"))).containsExactly("serve");
    try (ExecSupervisor supervisor = new ExecSupervisor(entries, true)) {
      assertThat(supervisor.run()).isZero();
    }
    assertThat(Files.readAllLines(dir.resolve("log"))).containsExactly("serve", "migrate", "serve");
  }

  @Test
  void nothingToRunReturnsZero() throws Exception {
    try (ExecSupervisor supervisor =
        new ExecSupervisor(List.of(new ExecEntry("false", true)), false)) {
      assertThat(supervisor.run()).isZero();
    }
  }

  @Test
  void missingProgramIsAStartupError() {
    try (ExecSupervisor supervisor =
        new ExecSupervisor(List.of(entry("/nonexistent/replicafs-app --flag")), true)) {
      ExecException e = catchThrowableOfType(ExecException.class, supervisor::run);
      assertThat(e).hasMessageContaining("cannot start \"/nonexistent/replicafs-app --flag\"");
    }
  }

  @Test
  void shellOperatorsAreRejectedBeforeAnythingRuns() {
    try (ExecSupervisor supervisor =
        new ExecSupervisor(List.of(entry("touch " + dir.resolve("a") + " && true")), true)) {
      ExecException e = catchThrowableOfType(ExecException.class, supervisor::run);
      assertThat(e).hasMessageContaining("sh -c");
    }
    assertThat(dir.resolve("a")).doesNotExist();
  }

  @Test
  void childKilledBySignalReportsShellStyleCode() throws Exception {
    try (ExecSupervisor supervisor =
        new ExecSupervisor(List.of(entry("sh -c 'kill -9 $$'")), true)) {
      assertThat(supervisor.run()).isEqualTo(128 + 9);
    }
  }

  @Test
  void forwardsInterruptToTheRunningChildAndReturnsItsCode() throws Exception {
    // perl (Debian's essential perl-base) can trap SIGINT even where the test JVM inherited it
    // ignored, which a POSIX sh may not.
    Path ready = dir.resolve("ready");
    Path got = dir.resolve("got");
    String child =
        "perl -e '$SIG{INT} = sub { open(my $f, \">\", \""
            + got
            + "\"); print $f \"int\\n\"; close($f); exit 5 }; open(my $r, \">\", \""
            + ready
            + "\"); close($r); sleep 1 while 1'";
    try (ExecSupervisor supervisor = new ExecSupervisor(List.of(entry(child)), true)) {
      CompletableFuture<Integer> exit =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return supervisor.run();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      awaitFile(ready);
      supervisor.signal("INT");
      assertThat(exit.get(20, TimeUnit.SECONDS)).isEqualTo(5);
    }
    assertThat(Files.readString(got)).isEqualTo("int\n");
  }

  @Test
  void signalDuringAnEarlierEntryStopsTheSequence() throws Exception {
    Path ready = dir.resolve("ready");
    String first = "sh -c 'touch " + ready + "; exec sleep 30'";
    var entries = List.of(entry(first), entry(appendTo("never", "x")));
    try (ExecSupervisor supervisor = new ExecSupervisor(entries, true)) {
      CompletableFuture<Integer> exit =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return supervisor.run();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      awaitFile(ready);
      supervisor.signal("TERM");
      assertThat(exit.get(20, TimeUnit.SECONDS)).isEqualTo(128 + 15);
    }
    assertThat(dir.resolve("never")).doesNotExist();
  }

  static void awaitFile(Path file) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (!Files.exists(file)) {
      if (Instant.now().isAfter(deadline)) {
        throw new IOException("timed out waiting for " + file);
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }
}

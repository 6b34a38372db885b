package dev.replicafs.cmd.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replicafs mount} as a real process with a real FUSE mount and real children: exit codes,
 * signal forwarding, exec lists, if-candidate, skip-sync and the removal of a stale mount.
 */
class MountLifecycleTest {
  @TempDir Path dir;

  @BeforeAll
  static void prerequisites() throws Exception {
    MountProcess.requireFuse();
  }

  /** A single candidate node (primary of itself) on {@code dir} with {@code extra} config. */
  private MountProcess primary(Path dir, String extra, String... args) throws Exception {
    int port = MountProcess.freePort();
    String yaml = MountProcess.config(dir, port, true, "http://127.0.0.1:" + port) + extra;
    return MountProcess.start(dir, yaml, Map.of(), args);
  }

  @Test
  void childSeesTheMountAndItsExitCodeBecomesTheNodesThenTheMountIsGone() throws Exception {
    Path node = dir.resolve("n");
    String check = "test -e " + node.resolve("mnt/.lag") + " && exit 7 || exit 9";
    try (MountProcess p = primary(node, "", "--", "sh", "-c", check)) {
      assertThat(p.awaitExit()).as(p.log()).isEqualTo(7);
      assertThat(MountProcess.isMounted(p.mnt)).isFalse();
      assertThat(p.log()).contains("closed part=fuse", "closed part=store");
    }
  }

  @Test
  void sigtermReachesTheChildAndItsCodePassesThrough() throws Exception {
    Path node = dir.resolve("n");
    Path ready = dir.resolve("ready");
    Path got = dir.resolve("got");
    String child =
        "trap 'echo term > "
            + got
            + "; exit 42' TERM; touch "
            + ready
            + "; while :; do sleep"
            + " 0.1; done";
    try (MountProcess p = primary(node, "", "--", "sh", "-c", child)) {
      awaitFile(ready, p);
      p.process.destroy(); // SIGTERM to replicafs
      assertThat(p.awaitExit()).as(p.log()).isEqualTo(42);
      assertThat(Files.readString(got)).isEqualTo("term\n");
      assertThat(MountProcess.isMounted(p.mnt)).isFalse();
    }
  }

  @Test
  void aFailingFirstExecEntryStopsStartupWithExitOne() throws Exception {
    Path node = dir.resolve("n");
    Path never = dir.resolve("never");
    String exec = "exec:\n  - cmd: \"sh -c 'exit 4'\"\n  - cmd: \"touch " + never + "\"\n";
    try (MountProcess p = primary(node, exec)) {
      assertThat(p.awaitExit()).as(p.log()).isEqualTo(1);
      assertThat(p.log()).contains("ERROR: exec: \"sh -c 'exit 4'\" exited with code 4");
      assertThat(never).doesNotExist();
      assertThat(MountProcess.isMounted(p.mnt)).isFalse();
    }
  }

  @Test
  void ifCandidateEntriesRunOnCandidatesOnly() throws Exception {
    String exec =
        "exec:\n  - cmd: \"touch %s/migrated\"\n    if-candidate: true\n  - cmd: \"touch %s/app\"\n";
    Path candidate = dir.resolve("candidate");
    try (MountProcess p = primary(candidate, exec.formatted(candidate, candidate))) {
      assertThat(p.awaitExit()).as(p.log()).isZero();
    }
    assertThat(candidate.resolve("migrated")).exists();
    assertThat(candidate.resolve("app")).exists();

    // A non-candidate whose primary is down: skip-sync lets exec start without it.
    Path replica = dir.resolve("replica");
    String yaml =
        MountProcess.config(
                replica,
                MountProcess.freePort(),
                false,
                "http://127.0.0.1:" + MountProcess.freePort())
            + "skip-sync: true\n"
            + exec.formatted(replica, replica);
    try (MountProcess p = MountProcess.start(replica, yaml, Map.of())) {
      assertThat(p.awaitExit()).as(p.log()).isZero();
      assertThat(p.log()).contains("exec skipped on non-candidate");
    }
    assertThat(replica.resolve("migrated")).doesNotExist();
    assertThat(replica.resolve("app")).exists();
  }

  @Test
  void withoutSkipSyncAReplicaWaitsForItsPrimaryBeforeExec() throws Exception {
    Path replica = dir.resolve("replica");
    int primaryPort = MountProcess.freePort();
    String yaml =
        MountProcess.config(
                replica, MountProcess.freePort(), false, "http://127.0.0.1:" + primaryPort)
            + "exec: \"touch "
            + replica.resolve("started")
            + "\"\n";
    try (MountProcess r = MountProcess.start(replica, yaml, Map.of()).awaitMounted()) {
      // Mounted but not in sync: exec must not have started; it starts once the primary is up.
      assertThat(r.process.isAlive()).isTrue();
      assertThat(replica.resolve("started")).doesNotExist();
      Path p = dir.resolve("primary");
      String primaryYaml =
          MountProcess.config(p, primaryPort, true, "http://127.0.0.1:" + primaryPort);
      try (MountProcess primary = MountProcess.start(p, primaryYaml, Map.of()).awaitMounted()) {
        assertThat(r.awaitExit()).as(r.log()).isZero();
        assertThat(replica.resolve("started")).exists();
      }
    }
  }

  @Test
  void aStaleMountLeftByAKilledNodeIsRemovedBeforeMounting() throws Exception {
    Path node = dir.resolve("n");
    MountProcess first = primary(node, "").awaitMounted();
    first.killTree(); // not closed: close() would unmount what the test needs left behind
    assertThat(first.process.isAlive()).isFalse();
    assertThat(MountProcess.isMounted(node.resolve("mnt")))
        .as("the killed node left its mount behind")
        .isTrue();
    String check = "test -e " + node.resolve("mnt/.lag");
    try (MountProcess second = primary(node, "", "--", "sh", "-c", check)) {
      assertThat(second.awaitExit()).as(second.log()).isZero();
      assertThat(second.log()).contains("removing stale fuse mount");
      assertThat(MountProcess.isMounted(second.mnt)).isFalse();
    } finally {
      first.close();
    }
  }

  /**
   * libfuse forks {@code fusermount} (which stays, for {@code auto_unmount}) from the node's
   * process: without close-on-exec it inherited the node API's listening socket and the open
   * database files, and a wedged or slowly dying node's port stayed taken by it.
   */
  @Test
  void fusermountInheritsNoneOfTheNodesSocketsOrDataFiles() throws Exception {
    Path node = dir.resolve("n");
    try (MountProcess p = primary(node, "").awaitMounted()) {
      ProcessHandle fusermount =
          p.process
              .toHandle()
              .descendants()
              .filter(h -> h.info().command().orElse("").endsWith("fusermount"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no fusermount under the node"));
      java.util.Set<String> nodeFds = fdTargets(p.process.pid());
      assertThat(nodeFds).as("the node's own descriptors").anyMatch(t -> t.startsWith("socket:"));
      java.util.Set<String> shared = new java.util.TreeSet<>(fdTargets(fusermount.pid()));
      shared.retainAll(nodeFds);
      shared.removeIf(t -> !t.startsWith("socket:") && !t.startsWith(node.toString()));
      assertThat(shared).as("sockets and data files fusermount shares with the node").isEmpty();
    }
  }

  /** The targets of {@code /proc/<pid>/fd/*} (e.g. {@code socket:[123]}, file paths). */
  private static java.util.Set<String> fdTargets(long pid) throws Exception {
    java.util.Set<String> out = new java.util.TreeSet<>();
    try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          out.add(Files.readSymbolicLink(fd).toString());
        } catch (java.io.IOException closedMeanwhile) {
          // the descriptor went away between listing and reading
        }
      }
    }
    return out;
  }

  @Test
  void aStartupErrorIsOneActionableLineAndExitOnErrorFalseKeepsTheNodeUp() throws Exception {
    try (java.net.ServerSocket busy = new java.net.ServerSocket(0)) {
      int port = busy.getLocalPort();
      Path node = dir.resolve("exit");
      String yaml = MountProcess.config(node, port, true, "http://127.0.0.1:" + port);
      try (MountProcess p = MountProcess.start(node, yaml, Map.of())) {
        assertThat(p.awaitExit()).as(p.log()).isEqualTo(1);
        assertThat(p.log()).contains("ERROR: cannot listen on http.addr 127.0.0.1:" + port);
        assertThat(p.log()).doesNotContain("\tat ");
      }

      Path up = dir.resolve("up");
      Path ran = dir.resolve("ran");
      String keep =
          MountProcess.config(up, port, true, "http://127.0.0.1:" + port)
              + "exit-on-error: false\nexec: \"touch "
              + ran
              + "\"\n";
      try (MountProcess p = MountProcess.start(up, keep, Map.of())) {
        awaitLog(p, "exit-on-error is false");
        assertThat(p.process.isAlive()).isTrue();
        p.process.destroy();
        assertThat(p.awaitExit()).as(p.log()).isEqualTo(1);
        assertThat(ran).doesNotExist();
      }
    }
  }

  static void awaitLog(MountProcess p, String text) throws Exception {
    Instant deadline = Instant.now().plus(MountProcess.STARTUP);
    while (!p.log().contains(text)) {
      if (!p.process.isAlive() || Instant.now().isAfter(deadline)) {
        throw new AssertionError("log never said \"" + text + "\":\n" + p.log());
      }
      p.process.waitFor(50, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
  }

  static void awaitFile(Path file, MountProcess p) throws Exception {
    Instant deadline = Instant.now().plus(MountProcess.STARTUP);
    while (!Files.exists(file)) {
      if (!p.process.isAlive() || Instant.now().isAfter(deadline)) {
        throw new AssertionError(file + " never appeared:\n" + p.log());
      }
      p.process.waitFor(50, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
  }
}

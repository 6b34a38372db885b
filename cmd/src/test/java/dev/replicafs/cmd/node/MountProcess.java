package dev.replicafs.cmd.node;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.replicafs.cmd.Main;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code replicafs mount} process (this module's classes, in its own JVM) on a temp
 * directory: {@code <dir>/data}, {@code <dir>/mnt}, {@code <dir>/replicafs.yml}, output in {@code
 * <dir>/log}. Closing stops it (SIGTERM, then SIGKILL of the whole tree) and removes a mount left
 * behind.
 */
final class MountProcess implements AutoCloseable {
  static final Duration STARTUP = Duration.ofSeconds(90);

  final Path dir;
  final Path mnt;
  final Path log;
  final Process process;

  private MountProcess(Path dir, Process process) {
    this.dir = dir;
    this.mnt = dir.resolve("mnt");
    this.log = dir.resolve("log");
    this.process = process;
  }

  /** The config of a node on {@code dir}: static lease, API on loopback {@code port}. */
  static String config(Path dir, int port, boolean candidate, String advertiseUrl) {
    return "data:\n  dir: \""
        + dir.resolve("data")
        + "\"\nfuse:\n  dir: \""
        + dir.resolve("mnt")
        + "\"\nhttp:\n  addr: \"127.0.0.1:"
        + port
        + "\"\nlease:\n  type: static\n  hostname: primary\n  advertise-url: \""
        + advertiseUrl
        + "\"\n  candidate: "
        + candidate
        + "\n";
  }

  /** Writes {@code yaml} to {@code dir/replicafs.yml} and starts {@code replicafs mount}. */
  static MountProcess start(Path dir, String yaml, Map<String, String> env, String... args)
      throws IOException {
    return start(dir, yaml, env, List.of(), args);
  }

  /** {@link #start(Path, String, Map, String...)} with extra JVM options for the node. */
  static MountProcess start(
      Path dir, String yaml, Map<String, String> env, List<String> jvmArgs, String... args)
      throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("replicafs.yml"), yaml);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> argv = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1"));
    argv.addAll(jvmArgs);
    argv.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "mount",
            "-config",
            dir.resolve("replicafs.yml").toString()));
    argv.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(argv)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("log").toFile());
    pb.environment().putAll(env);
    return new MountProcess(dir, pb.start());
  }

  /** A free loopback port. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Fails in CI, skips elsewhere, when FUSE cannot be mounted here (not root, no /dev/fuse). */
  static void requireFuse() throws Exception {
    Process id = new ProcessBuilder("id", "-u").start();
    boolean root = new String(id.getInputStream().readAllBytes()).trim().equals("0");
    boolean ok =
        root
            && Files.exists(Path.of("/dev/fuse"))
            && (Files.isExecutable(Path.of("/usr/bin/fusermount"))
                || Files.isExecutable(Path.of("/bin/fusermount")))
            && Files.isExecutable(Path.of("/usr/bin/sqlite3"));
    String what = "mount tests need root, /dev/fuse, fusermount and sqlite3";
    if ("true".equals(System.getenv("CI")) && !ok) {
      fail(what);
    }
    assumeTrue(ok, what);
  }

  /** Whether the kernel lists a FUSE mount at {@code path}. */
  static boolean isMounted(Path path) throws IOException {
    String wanted = " " + path.toAbsolutePath().normalize() + " ";
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      if (line.contains(wanted) && line.contains(" - fuse")) {
        return true;
      }
    }
    return false;
  }

  /** Waits until the mount is listed; fails with the log if the process exits first. */
  MountProcess awaitMounted() throws Exception {
    Instant deadline = Instant.now().plus(STARTUP);
    while (!isMounted(mnt)) {
      if (!process.isAlive()) {
        fail("replicafs mount exited with " + process.exitValue() + " before mounting:\n" + log());
      }
      if (Instant.now().isAfter(deadline)) {
        killTree(); // the caller never gets the process to close
        fail("not mounted after " + STARTUP + ":\n" + log());
      }
      process.waitFor(50, TimeUnit.MILLISECONDS);
    }
    return this;
  }

  /**
   * Waits until mounted and the node said it is ready (primary, or caught up with the primary): the
   * mount appears before the role machine took the lease, and writes before that are refused.
   */
  MountProcess awaitReady() throws Exception {
    awaitMounted();
    Instant deadline = Instant.now().plus(STARTUP);
    while (!log().contains("node ready")) {
      if (!process.isAlive()) {
        fail("replicafs mount exited with " + process.exitValue() + " before ready:\n" + log());
      }
      if (Instant.now().isAfter(deadline)) {
        killTree();
        fail("not ready after " + STARTUP + ":\n" + log());
      }
      process.waitFor(50, TimeUnit.MILLISECONDS);
    }
    return this;
  }

  /** Waits for the process to exit and returns its code. */
  int awaitExit() throws Exception {
    if (!process.waitFor(STARTUP.toSeconds(), TimeUnit.SECONDS)) {
      fail("replicafs mount still running after " + STARTUP + ":\n" + log());
    }
    return process.exitValue();
  }

  String log() throws IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no log)";
  }

  /**
   * SIGKILLs the JVM and every process it started (the fusermount helper too) and waits for it to
   * end. A process that outlives its SIGKILL by 10 s is stuck in the kernel: what its threads wait
   * in ({@code /proc/<pid>/task/<tid>/wchan} and {@code stack}) is printed, its FUSE connection is
   * aborted (as a restarted node would), and it gets 120 s more before this fails.
   */
  void killTree() throws Exception {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    tree.add(0, process.toHandle());
    if (process.waitFor(10, TimeUnit.SECONDS)) {
      return;
    }
    // Known: a thread of the node stat-ing its own mount (KernelCache's node-id lookup) waits
    // uninterruptibly for an answer no thread is left to give; the kernel frees the process only
    // when the connection is aborted. A restarted node does that itself (MountTable.removeStale);
    // the harness does it here so the test can wait for the old process before restarting it.
    String stuck = KernelWait.describe(tree);
    System.out.println(
        "STUCK after SIGKILL (10 s), aborting its fuse connection: " + dir + "\n" + stuck);
    dev.replicafs.fuse.FuseConnection.abort(mnt);
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      fail("replicafs mount did not end 130 s after SIGKILL: " + dir + "\n" + stuck);
    }
    System.out.println("STUCK process ended after the abort: " + dir);
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        killTree();
      }
    }
    if (isMounted(mnt)) {
      new ProcessBuilder("fusermount", "-u", "-z", mnt.toString()).start().waitFor();
    }
  }
}

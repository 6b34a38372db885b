package dev.replicafs.fuse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The test's handle on a {@link ChildNode} process. Close quits it (or kills it if stuck). */
final class NodeProcess implements AutoCloseable {
  final Path dataDir;
  final Path mountPoint;
  private final Process process;
  private final BufferedReader out;
  private final PrintWriter in;

  private NodeProcess(Path dataDir, Path mountPoint, Process process) {
    this.dataDir = dataDir;
    this.mountPoint = mountPoint;
    this.process = process;
    this.out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
  }

  static NodeProcess start(Path base, boolean primary) throws IOException {
    return start(base.resolve("data"), base.resolve("mnt"), primary, true);
  }

  static NodeProcess start(Path data, Path mnt, boolean primary, boolean autoUnmount)
      throws IOException {
    return start(data, mnt, primary, autoUnmount, java.util.Map.of());
  }

  static NodeProcess start(
      Path data, Path mnt, boolean primary, boolean autoUnmount, java.util.Map<String, String> env)
      throws IOException {
    return start(
        ChildNode.class.getName(),
        data,
        mnt,
        env,
        String.valueOf(primary),
        String.valueOf(autoUnmount));
  }

  /** Starts {@code mainClass} with {@code data mnt extra...} and waits for {@code ready}. */
  static NodeProcess start(
      String mainClass, Path data, Path mnt, java.util.Map<String, String> env, String... extra)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.add(data.toString());
    cmd.add(mnt.toString());
    cmd.addAll(List.of(extra));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().putAll(env);
    Process p = pb.start();
    NodeProcess node = new NodeProcess(data, mnt, p);
    String first = node.out.readLine();
    if (!"ready".equals(first)) {
      p.destroyForcibly();
      throw new IOException("node process did not mount: first line " + first);
    }
    return node;
  }

  /** Sends one command and returns the text after {@code ok}. */
  String command(String line) throws IOException {
    in.println(line);
    String answer = out.readLine();
    if (answer == null || !answer.startsWith("ok")) {
      throw new IOException("node answered " + answer + " to " + line);
    }
    return answer.substring(2).trim();
  }

  /** The LTX files of {@code db} in this node's data directory, in TXID order. */
  List<Path> ltxFiles(String db) throws IOException {
    try (java.util.stream.Stream<Path> s =
        java.nio.file.Files.list(dataDir.resolve("dbs").resolve(db).resolve("ltx"))) {
      return s.filter(p -> p.toString().endsWith(".ltx")).sorted().toList();
    }
  }

  Path file(String name) {
    return mountPoint.resolve(name);
  }

  Connection connect(String db) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + file(db));
  }

  long pid() {
    return process.pid();
  }

  /** SIGKILL, as a crash. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws IOException {
    if (process.isAlive()) {
      try {
        command("quit");
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (IOException | InterruptedException e) {
        process.destroyForcibly();
      }
    }
  }
}

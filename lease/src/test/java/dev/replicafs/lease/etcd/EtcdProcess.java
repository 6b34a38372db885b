package dev.replicafs.lease.etcd;

import dev.replicafs.lease.Prerequisite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real single-member {@code etcd} server for tests: loopback only, free random client and peer
 * ports, a temporary data directory, started with a deadline and removed on {@link #close()}.
 * Shared with other modules through the lease module's test-jar.
 *
 * <p>The binary is {@code $ETCD_BIN}, else {@code etcd} on the {@code PATH}, else {@code
 * /usr/bin/etcd}. When it is missing, {@link #start()} fails the test in CI ({@code CI=true}) and
 * skips it elsewhere with a message saying what to install.
 *
 * <p>{@link #pause()} / {@link #resume()} send SIGSTOP / SIGCONT (a frozen coordinator); {@link
 * #kill()} sends SIGKILL; {@link #restart()} stops and starts it on the same ports and data.
 */
public final class EtcdProcess implements AutoCloseable {

  private static final Duration START_DEADLINE = Duration.ofSeconds(20);

  private final List<String> command;
  private volatile Process process;
  private final Path dir;
  private final int clientPort;
  private final Path log;

  private final String scheme;
  private final int metricsPort;

  private EtcdProcess(
      List<String> command,
      Process process,
      Path dir,
      String scheme,
      int clientPort,
      int metricsPort,
      Path log) {
    this.command = List.copyOf(command);
    this.process = process;
    this.dir = dir;
    this.scheme = scheme;
    this.clientPort = clientPort;
    this.metricsPort = metricsPort;
    this.log = log;
  }

  /** The etcd binary, if installed. */
  public static Optional<Path> binary() {
    String configured = System.getenv("ETCD_BIN");
    if (configured != null && !configured.isBlank()) {
      return Optional.of(Paths.get(configured)).filter(Files::isExecutable);
    }
    String path = System.getenv("PATH") == null ? "" : System.getenv("PATH");
    return Stream.concat(
            Stream.of(path.split(":")).filter(s -> !s.isEmpty()).map(s -> Paths.get(s, "etcd")),
            Stream.of(Paths.get("/usr/bin/etcd")))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** Fails (CI) or skips (elsewhere) the calling test when etcd is not installed. */
  public static Path requireBinary() {
    Optional<Path> binary = binary();
    Prerequisite.require(
        binary.isPresent(),
        "the etcd binary",
        "install it with `apt-get install etcd-server` (or set ETCD_BIN)");
    return binary.orElseThrow();
  }

  /** Starts a plain-HTTP etcd and waits until it reports healthy. */
  public static EtcdProcess start() throws IOException, InterruptedException {
    return start(false, List.of());
  }

  /**
   * Starts etcd with extra flags and waits until it reports healthy (checked on a separate plain
   * HTTP metrics port, so it works with TLS and auth too).
   *
   * @param https whether the client URL is https (pass {@code --cert-file} etc. in {@code extra})
   */
  public static EtcdProcess start(boolean https, List<String> extra)
      throws IOException, InterruptedException {
    Path binary = requireBinary();
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        return startOnce(binary, https ? "https" : "http", extra);
      } catch (IOException e) {
        last = e; // most likely a port taken between probing and binding: try new ports
      }
    }
    throw last;
  }

  private static EtcdProcess startOnce(Path binary, String scheme, List<String> extra)
      throws IOException, InterruptedException {
    int clientPort = freePort();
    int peerPort = freePort();
    int metricsPort = freePort();
    Path dir = Files.createTempDirectory("replicafs-etcd-");
    Path log = dir.resolve("etcd.log");
    String client = scheme + "://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(
        List.of(
            "--name=test",
            "--data-dir=" + dir.resolve("data"),
            "--listen-client-urls=" + client,
            "--advertise-client-urls=" + client,
            "--listen-peer-urls=" + peer,
            "--initial-advertise-peer-urls=" + peer,
            "--initial-cluster=test=" + peer,
            "--initial-cluster-state=new",
            "--logger=zap",
            "--log-outputs=stderr",
            "--log-level=warn",
            "--listen-metrics-urls=http://127.0.0.1:" + metricsPort));
    command.addAll(extra);
    Process process = launch(command, log);
    EtcdProcess etcd = new EtcdProcess(command, process, dir, scheme, clientPort, metricsPort, log);
    try {
      etcd.awaitHealthy();
      return etcd;
    } catch (IOException | RuntimeException | InterruptedException e) {
      etcd.close();
      throw e;
    }
  }

  private static Process launch(List<String> command, Path log) throws IOException {
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  /**
   * Stops etcd gracefully (SIGTERM) and starts it again on the same ports and data, as after a
   * server restart; waits until it is healthy again.
   */
  public void restart() throws IOException, InterruptedException {
    stopProcess();
    process = launch(command, log);
    awaitHealthy();
  }

  private void awaitHealthy() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest health =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/health"))
            .timeout(Duration.ofSeconds(1))
            .build();
    long deadline = System.nanoTime() + START_DEADLINE.toNanos();
    while (System.nanoTime() - deadline < 0) {
      if (!process.isAlive()) {
        throw new IOException("etcd exited with " + process.exitValue() + ": " + logTail());
      }
      try {
        HttpResponse<String> response = http.send(health, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200 && response.body().contains("\"true\"")) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
    throw new IOException("etcd not healthy within " + START_DEADLINE + ": " + logTail());
  }

  /** The client URL, e.g. {@code http://127.0.0.1:40123}. */
  public String endpoint() {
    return scheme + "://127.0.0.1:" + clientPort;
  }

  public int clientPort() {
    return clientPort;
  }

  public long pid() {
    return process.pid();
  }

  /** Freezes the server (SIGSTOP): it accepts connections but answers nothing. */
  public void pause() {
    signal("STOP");
  }

  /** Unfreezes the server (SIGCONT). */
  public void resume() {
    signal("CONT");
  }

  /** SIGKILL, no cleanup by etcd. The data directory is still removed by {@link #close()}. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  private void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).start();
      if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while signalling etcd", e);
    }
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Stops etcd (SIGCONT first, in case it is paused), then deletes its directory. Idempotent. */
  @Override
  public void close() {
    stopProcess();
    deleteTree(dir);
  }

  private void stopProcess() {
    if (!process.isAlive()) {
      return;
    }
    try {
      resume();
    } catch (RuntimeException e) {
      // it may have exited meanwhile
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }
}

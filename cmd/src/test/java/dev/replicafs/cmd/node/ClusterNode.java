package dev.replicafs.cmd.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.replication.ltx.Pos;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One node of a test {@link Cluster}: a {@code replicafs mount} process ({@link MountProcess}) that
 * can be stopped (SIGTERM), killed (SIGKILL) and restarted on the same data directory, with its
 * node API ({@code /info}, {@code /metrics}) and its positions.
 */
final class ClusterNode implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * Where a node lives: {@code dir/{data,mnt,log,replicafs.yml}}, its API port and the host its
   * advertised URL names (its own address, or a name a {@link FaultNetwork} resolves per node).
   */
  record Spec(int index, Path dir, int apiPort, String advertiseHost) {
    /** A node that advertises its own address. */
    Spec(int index, Path dir, int apiPort) {
      this(index, dir, apiPort, "127.0.0." + (index + 1));
    }

    String name() {
      return "node" + index;
    }

    /**
     * The node's own loopback address, {@code 127.0.0.<index+1>}: nodes differ by host, as on a
     * real network, so every node's proxy can listen on the same port (the primary's proxy is found
     * at the primary's advertised host and the local proxy port, as in LiteFS).
     */
    String host() {
      return "127.0.0." + (index + 1);
    }

    /** The node API as this test JVM reaches it (never through a {@link FaultLink}). */
    String apiUrl() {
      return "http://" + host() + ":" + apiPort;
    }

    /** The URL the node advertises ({@code lease.advertise-url}), as other nodes use it. */
    String advertiseUrl() {
      return "http://" + advertiseHost + ":" + apiPort;
    }
  }

  final Spec spec;
  private final String yaml;
  private final List<String> jvmArgs;
  private MountProcess process;

  ClusterNode(Spec spec, String yaml) {
    this(spec, yaml, List.of());
  }

  /** A node whose JVM gets {@code jvmArgs} (e.g. a {@link FaultNetwork}'s hosts file). */
  ClusterNode(Spec spec, String yaml, List<String> jvmArgs) {
    this.spec = spec;
    this.yaml = yaml;
    this.jvmArgs = List.copyOf(jvmArgs);
  }

  /** The generated replicafs.yml: data and fuse dirs, API address, {@code lease}, {@code extra}. */
  static String config(Spec spec, LeaseSection lease, Spec seed, String extra) {
    return "data:\n  dir: \""
        + spec.dir().resolve("data")
        + "\"\nfuse:\n  dir: \""
        + spec.dir().resolve("mnt")
        + "\"\nhttp:\n  addr: \""
        + spec.host()
        + ":"
        + spec.apiPort()
        + "\"\n"
        + lease.yaml(spec, seed)
        + extra;
  }

  /** Starts the process (a fresh one after stop or kill, on the same data dir). */
  ClusterNode start() throws IOException {
    if (process != null && process.process.isAlive()) {
      throw new IllegalStateException(spec.name() + " is running");
    }
    process = MountProcess.start(spec.dir(), yaml, Map.of(), jvmArgs);
    return this;
  }

  /** Waits until the FUSE mount is up. */
  ClusterNode awaitMounted() throws Exception {
    process.awaitReady();
    return this;
  }

  /** SIGTERM; requires exit code 0 and no mount left behind. */
  void stop() throws Exception {
    process.process.destroy();
    assertThat(process.awaitExit()).as(process.log()).isZero();
    assertThat(MountProcess.isMounted(mnt())).as(spec.name() + " still mounted").isFalse();
  }

  /** SIGKILL of the node and its children: the mount is left stale, as after a crash. */
  void kill() throws Exception {
    process.killTree();
  }

  /** The FUSE mount directory. */
  Path mnt() {
    return spec.dir().resolve("mnt");
  }

  /** The store's directory of database {@code db}: {@code data/dbs/<db>}. */
  Path dbDir(String db) {
    return spec.dir().resolve("data").resolve("dbs").resolve(db);
  }

  String log() throws IOException {
    return process == null ? "(never started)" : process.log();
  }

  /**
   * The position in the mount's {@code <db>-pos} file, empty when the database is unknown or the
   * read does not answer within 5 s (a hung FUSE call must not defeat a caller's deadline; the
   * reading thread stays blocked until the mount goes away).
   */
  Optional<Pos> pos(String db) {
    Path file = mnt().resolve(db + "-pos");
    CompletableFuture<Optional<Pos>> read = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                read.complete(Optional.of(Pos.parse(Files.readString(file).trim())));
              } catch (IOException | RuntimeException e) {
                read.complete(Optional.empty());
              }
            },
            "pos-reader-" + spec.name());
    reader.setDaemon(true);
    reader.start();
    try {
      return read.get(5, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (ExecutionException e) {
      return Optional.empty();
    }
  }

  /** {@code GET path} on the node API; requires 200. */
  String get(String path) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(spec.apiUrl() + path))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(spec.name() + " GET " + path + ": " + r.body()).isEqualTo(200);
    return r.body();
  }

  /** {@code GET /info} as JSON text. */
  String info() throws Exception {
    return get("/info");
  }

  /**
   * The value of the metric {@code name} whose labels include every {@code labels} pair, or 0 when
   * the node does not export that series (yet).
   */
  double metric(String name, Map<String, String> labels) throws Exception {
    Pattern line = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*})?\\s+(\\S+)$");
    for (String l : get("/metrics").split("\n")) {
      Matcher m = line.matcher(l);
      if (m.matches() && labels.entrySet().stream().allMatch(e -> hasLabel(m.group(1), e))) {
        return Double.parseDouble(m.group(2));
      }
    }
    return 0;
  }

  private static boolean hasLabel(String set, Map.Entry<String, String> label) {
    return set != null && set.contains(label.getKey() + "=\"" + label.getValue() + "\"");
  }

  /** SIGTERM (SIGKILL after 30 s) and removal of any mount left behind; idempotent. */
  @Override
  public void close() throws Exception {
    if (process != null) {
      process.close();
    }
  }
}

package dev.replicafs.cmd;

import dev.replicafs.cmd.config.Config;
import dev.replicafs.replication.http.NodeSecurity;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/** The validated inputs of each command, handed to {@link Actions}. */
public final class Requests {
  private Requests() {}

  /**
   * {@code replicafs mount}: the loaded config with the command-line overrides applied.
   *
   * @param configPath the file the config came from
   * @param config the config, with {@code -debug}, {@code -fuse.debug} and {@code -- CMD} applied
   * @param skipUnmount do not try to unmount a stale mount before mounting
   * @param tracingToStdout also write the trace log to stdout ({@code -tracing})
   */
  public record Mount(
      Path configPath, Config config, boolean skipUnmount, boolean tracingToStdout) {}

  /**
   * {@code replicafs run}.
   *
   * @param url the local node's API
   * @param promote ask for a handoff to this node first
   * @param haltLockOn database in the mount whose halt lock is held around the command, or null
   * @param ifCandidate skip the command (exit 0) on non-candidates
   * @param verbose log to stderr
   * @param command the command and its arguments
   * @param security the cluster token (and TLS) to talk to the node with
   */
  public record Run(
      URI url,
      boolean promote,
      Path haltLockOn,
      boolean ifCandidate,
      boolean verbose,
      List<String> command,
      NodeSecurity security) {
    public Run {
      command = List.copyOf(command);
      java.util.Objects.requireNonNull(security, "security");
    }

    /** Without a token. */
    public Run(
        URI url,
        boolean promote,
        Path haltLockOn,
        boolean ifCandidate,
        boolean verbose,
        List<String> command) {
      this(url, promote, haltLockOn, ifCandidate, verbose, command, NodeSecurity.NONE);
    }
  }

  /**
   * {@code replicafs export}: copy database {@code name} from the node at {@code url} to {@code
   * path}.
   */
  public record Export(URI url, String name, Path path, NodeSecurity security) {
    public Export {
      java.util.Objects.requireNonNull(security, "security");
    }

    /** Without a token. */
    public Export(URI url, String name, Path path) {
      this(url, name, path, NodeSecurity.NONE);
    }
  }

  /** {@code replicafs import}: replace or create database {@code name} through the primary. */
  public record Import(URI url, String name, Path path, NodeSecurity security) {
    public Import {
      java.util.Objects.requireNonNull(security, "security");
    }

    /** Without a token. */
    public Import(URI url, String name, Path path) {
      this(url, name, path, NodeSecurity.NONE);
    }
  }
}

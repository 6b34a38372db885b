package dev.replicafs.cmd;

import dev.replicafs.cmd.config.ConfigException;
import dev.replicafs.cmd.config.ConfigLoader;
import dev.replicafs.cmd.config.HttpSecurity;
import dev.replicafs.cmd.config.LoadContext;
import dev.replicafs.replication.http.NodeSecurity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * How {@code replicafs export}, {@code import} and {@code run} authenticate to a node whose API
 * requires the cluster token: from the same sources as the node, first match wins:
 *
 * <ol>
 *   <li>{@code -token-file PATH}: the token is the file's trimmed content;
 *   <li>the {@code REPLICAFS_TOKEN} environment variable, when set and not empty;
 *   <li>{@code -config PATH}: the node's config file, read exactly as {@code replicafs mount} reads
 *       it ({@code http.token}, {@code http.token-file} or {@code http.token-env}, and {@code
 *       http.tls} for an HTTPS node API).
 * </ol>
 *
 * None of them: no token (LiteFS's behaviour). The token is never printed.
 */
final class NodeAuthOptions {
  /** The environment variable a script can put the token in. */
  static final String TOKEN_ENV = "REPLICAFS_TOKEN";

  @Option(
      names = {"-token-file", "--token-file"},
      paramLabel = "PATH",
      description = "File holding the cluster token (http.token of the nodes).")
  Path tokenFile;

  @Option(
      names = {"-config", "--config"},
      paramLabel = "PATH",
      description = {
        "Node config file to take http.token/token-file/token-env and http.tls from.",
        "Without -token-file and -config, $" + TOKEN_ENV + " is the token if set."
      })
  Path config;

  /**
   * The security to talk to the node with.
   *
   * @throws CommandLine.ParameterException when the token file cannot be used
   * @throws ConfigException when the config file is invalid
   */
  NodeSecurity security(CommandSpec spec, LoadContext context) {
    if (tokenFile != null) {
      return withToken(spec, read(spec, context.workingDir().resolve(tokenFile)), "-token-file");
    }
    String env = context.getenv(TOKEN_ENV);
    if (env != null && !env.isBlank()) {
      return withToken(spec, env.strip(), "$" + TOKEN_ENV);
    }
    if (config != null) {
      ConfigLoader.Loaded loaded = new ConfigLoader(context).load(config, true);
      return HttpSecurity.of(loaded.config().http());
    }
    return NodeSecurity.NONE;
  }

  private static String read(CommandSpec spec, Path file) {
    try {
      String token = Files.readString(file).strip();
      if (token.isEmpty()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "-token-file " + file + " is empty: put the cluster token in it");
      }
      return token;
    } catch (IOException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "-token-file: cannot read " + file + " (" + e.getMessage() + ")");
    }
  }

  private static NodeSecurity withToken(CommandSpec spec, String token, String source) {
    try {
      return NodeSecurity.NONE.withToken(token);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), source + ": " + e.getMessage());
    }
  }
}

package dev.replicafs.cmd;

import dev.replicafs.cmd.config.LoadContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code replicafs import}: uploads a SQLite file as database NAME through the primary. The file
 * must start with the SQLite header, so a wrong file never replaces a database.
 */
@Command(
    name = "import",
    customSynopsis =
        "replicafs import -name NAME [-url URL] [-token-file PATH | -config PATH] PATH",
    description = "Create or replace database NAME with the SQLite file PATH (via the primary).",
    footer = {
      "",
      "Exit codes: 0 ok; 1 runtime error; 2 usage error; 3 not available in this build."
    })
final class ImportCommand implements Callable<Integer> {
  private static final byte[] SQLITE_HEADER =
      "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

  @Spec CommandLine.Model.CommandSpec spec;
  @Mixin HelpOption help;
  @Mixin NodeAuthOptions auth;

  private final Actions actions;
  private final LoadContext context;

  @Option(
      names = {"-name", "--name"},
      required = true,
      paramLabel = "NAME",
      description = "Database name, e.g. app.db.")
  String name;

  @Option(
      names = {"-url", "--url"},
      paramLabel = "URL",
      defaultValue = NodeArguments.DEFAULT_URL,
      description = {"API URL of a node.", "Default: ${DEFAULT-VALUE}"})
  String url;

  @Parameters(index = "0", paramLabel = "PATH", description = "SQLite database file to upload.")
  Path path;

  ImportCommand(Actions actions, LoadContext context) {
    this.actions = actions;
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(path)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), path + " does not exist or is not a file");
    }
    byte[] header = new byte[SQLITE_HEADER.length];
    int read;
    try (InputStream in = Files.newInputStream(path)) {
      read = in.readNBytes(header, 0, header.length);
    } catch (IOException e) {
      throw new CliException("cannot read " + path + ": " + e.getMessage(), e);
    }
    if (read < header.length || !Arrays.equals(header, SQLITE_HEADER)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          path + " is not a SQLite database (it lacks the \"SQLite format 3\" header)");
    }
    actions.importDatabase(
        new Requests.Import(
            NodeArguments.url(spec, url),
            NodeArguments.databaseName(spec, name),
            path,
            auth.security(spec, context)));
    return ExitCodes.OK;
  }
}

package dev.replicafs.cmd;

import dev.replicafs.cmd.config.LoadContext;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code replicafs export}: copies a consistent snapshot of a database from any node. */
@Command(
    name = "export",
    customSynopsis =
        "replicafs export -name NAME [-url URL] [-token-file PATH | -config PATH] PATH",
    description = "Write a consistent copy of database NAME, from any node, to PATH.",
    footer = {
      "",
      "Exit codes: 0 ok; 1 runtime error; 2 usage error; 3 not available in this build."
    })
final class ExportCommand implements Callable<Integer> {
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
      description = {"API URL of the node.", "Default: ${DEFAULT-VALUE}"})
  String url;

  @Parameters(index = "0", paramLabel = "PATH", description = "Output file.")
  Path path;

  ExportCommand(Actions actions, LoadContext context) {
    this.actions = actions;
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null && !java.nio.file.Files.isDirectory(parent)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "the directory of " + path + " does not exist: create it first");
    }
    actions.export(
        new Requests.Export(
            NodeArguments.url(spec, url),
            NodeArguments.databaseName(spec, name),
            path,
            auth.security(spec, context)));
    return ExitCodes.OK;
  }
}

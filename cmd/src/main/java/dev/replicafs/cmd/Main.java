package dev.replicafs.cmd;

import dev.replicafs.cmd.config.ConfigException;
import dev.replicafs.cmd.config.LoadContext;
import dev.replicafs.cmd.exec.ExecException;
import dev.replicafs.cmd.node.NodeActions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * The {@code replicafs} command: parses the command line with picocli and translates every outcome
 * into one of the stable {@link ExitCodes}, printing a one-line {@code ERROR:} message a user can
 * act on. Flags are LiteFS's single-dash forms ({@code -config}); the double-dash forms work too.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    PrintWriter out = stdout();
    System.exit(run(args, new NodeActions(out), LoadContext.system(), out, stderr()));
  }

  /**
   * Runs {@code args} with {@code actions} behind the commands and returns the exit code (no
   * System.exit), so tests can drive the CLI in-process.
   */
  public static int run(
      String[] args, Actions actions, LoadContext context, PrintWriter out, PrintWriter err) {
    CommandLine cli = commandLine(actions, context);
    cli.setOut(out);
    cli.setErr(err);
    try {
      return cli.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  static CommandLine commandLine(Actions actions, LoadContext context) {
    CommandLine cli = new CommandLine(new Root());
    cli.addSubcommand("mount", new MountCommand(actions, context));
    cli.addSubcommand("run", new RunCommand(actions, context));
    cli.addSubcommand("export", new ExportCommand(actions, context));
    cli.addSubcommand("import", new ImportCommand(actions, context));
    cli.addSubcommand("version", new VersionCommand());
    cli.addSubcommand("bench", new BenchCommand());
    cli.addSubcommand("help", new CommandLine.HelpCommand());
    cli.setPosixClusteredShortOptionsAllowed(false);
    cli.setParameterExceptionHandler(Main::usageError);
    cli.setExecutionExceptionHandler((e, line, parseResult) -> failure(e, line));
    return cli;
  }

  private static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine line = e.getCommandLine();
    PrintWriter err = line.getErr();
    err.println("ERROR: " + e.getMessage());
    err.println("Run '" + line.getCommandSpec().qualifiedName() + " --help' for usage.");
    return ExitCodes.USAGE;
  }

  private static int failure(Exception e, CommandLine line) {
    PrintWriter err = line.getErr();
    if (e instanceof ConfigException) {
      err.println("ERROR: " + ((ConfigException) e).describe());
      return ExitCodes.USAGE;
    }
    if (e instanceof UnavailableException) {
      err.println(e.getMessage());
      return ExitCodes.UNAVAILABLE;
    }
    if (e instanceof CliException
        || e instanceof ExecException
        || e instanceof IOException
        || e instanceof UncheckedIOException) {
      err.println("ERROR: " + e.getMessage());
      return ExitCodes.RUNTIME_ERROR;
    }
    err.println("ERROR: internal error, please report it: " + e);
    e.printStackTrace(err);
    return ExitCodes.FATAL;
  }

  private static PrintWriter stdout() {
    return new PrintWriter(System.out, true);
  }

  private static PrintWriter stderr() {
    return new PrintWriter(System.err, true);
  }

  /** The top-level command: without a subcommand it prints usage and exits 2, as LiteFS does. */
  @Command(
      name = "replicafs",
      synopsisSubcommandLabel = "COMMAND",
      description = "Replicates SQLite databases across a cluster through a FUSE mount.",
      footer = {
        "",
        "Run 'replicafs COMMAND --help' for a command's flags.",
        "",
        "Exit codes: 0 ok; 1 runtime error; 2 usage or config error;",
        "3 not available in this build; 99 fatal internal error.",
        "mount and run exit with their command's code once it ran."
      })
  static final class Root implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin HelpOption help;

    @Override
    public Integer call() {
      spec.commandLine().usage(spec.commandLine().getErr());
      return ExitCodes.USAGE;
    }
  }
}

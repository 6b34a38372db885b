package dev.replicafs.cmd;

import dev.replicafs.cmd.config.LoadContext;
import dev.replicafs.cmd.log.LogSetup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code replicafs run}: runs a command after promoting this node or while holding a halt lock. */
@Command(
    name = "run",
    customSynopsis = {
      "replicafs run [-url URL] [-promote | -with-halt-lock-on PATH]",
      "                     [-if-candidate] [-v] [-token-file PATH | -config PATH]",
      "                     -- CMD [ARGS...]"
    },
    description = {
      "Run a command after promoting the local node, or holding a halt lock.",
      "",
      "-promote makes the local node primary first. -with-halt-lock-on lets the",
      "command write to that database from a replica. -if-candidate skips the",
      "command on non-candidates. The command gets stdin, stdout and stderr."
    },
    footer = {
      "",
      "Exit codes: the command's code once it ran; 0 when skipped by -if-candidate;",
      "1 runtime error; 2 usage error; 3 not available in this build."
    })
final class RunCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;
  @Mixin HelpOption help;
  @Mixin NodeAuthOptions auth;

  private final Actions actions;
  private final LoadContext context;

  @Option(
      names = {"-url", "--url"},
      paramLabel = "URL",
      defaultValue = NodeArguments.DEFAULT_URL,
      description = {"API URL of the local node.", "Default: ${DEFAULT-VALUE}"})
  String url;

  @Option(
      names = {"-promote", "--promote"},
      description = "Make the local node primary (handoff) before running the command.")
  boolean promote;

  @Option(
      names = {"-with-halt-lock-on", "--with-halt-lock-on"},
      paramLabel = "PATH",
      description = "Database in the mount (e.g. /litefs/app.db) whose halt lock is held.")
  Path haltLockOn;

  @Option(
      names = {"-if-candidate", "--if-candidate"},
      description = "Run only if the local node is a candidate; otherwise exit 0.")
  boolean ifCandidate;

  @Option(
      names = {"-v", "--v", "--verbose"},
      description = "Verbose logging.")
  boolean verbose;

  @Parameters(paramLabel = "CMD", arity = "0..*", description = "Command and arguments after --.")
  List<String> command = new ArrayList<>();

  RunCommand(Actions actions, LoadContext context) {
    this.actions = actions;
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    if (promote && haltLockOn != null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "-promote and -with-halt-lock-on cannot be used together");
    }
    if (command.isEmpty()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "no command: write replicafs run [flags] -- CMD [ARGS...]");
    }
    NodeArguments.requireAfterDoubleDash(spec, command);
    if (haltLockOn != null && !haltLockOn.isAbsolute()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "-with-halt-lock-on needs the full path of a database in the mount, e.g. /litefs/app.db");
    }
    if (!verbose) {
      LogSetup.silence();
    }
    return actions.run(
        new Requests.Run(
            NodeArguments.url(spec, url),
            promote,
            haltLockOn,
            ifCandidate,
            verbose,
            command,
            auth.security(spec, context)));
  }
}

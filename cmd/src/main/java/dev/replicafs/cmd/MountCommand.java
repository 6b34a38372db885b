package dev.replicafs.cmd;

import dev.replicafs.cmd.config.Config;
import dev.replicafs.cmd.config.ConfigLoader;
import dev.replicafs.cmd.config.ConfigWarnings;
import dev.replicafs.cmd.config.ExecEntry;
import dev.replicafs.cmd.config.LoadContext;
import dev.replicafs.cmd.exec.ShellWords;
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

/**
 * {@code replicafs mount}: loads the config, applies the flags, checks every {@code exec} entry can
 * be parsed, and hands the result to {@link Actions#mount}.
 */
@Command(
    name = "mount",
    customSynopsis = {
      "replicafs mount [-config PATH] [-no-expand-env] [-skip-unmount]",
      "                       [-debug] [-fuse.debug] [-tracing] [-- CMD [ARGS...]]"
    },
    description = {
      "Mount the file system, join the cluster and supervise the application.",
      "",
      "Everything after -- replaces the exec entries of the config with one command."
    },
    footer = {
      "",
      "Without -config the first file found of ./replicafs.yml, ./litefs.yml,",
      "~/replicafs.yml, /etc/replicafs.yml, /etc/litefs.yml is read.",
      "",
      "Exit codes: the exec command's code once it ran; 1 runtime error;",
      "2 usage or config error; 3 not available in this build; 99 fatal internal error."
    })
final class MountCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;
  @Mixin HelpOption help;

  private final Actions actions;
  private final LoadContext context;

  @Option(
      names = {"-config", "--config"},
      paramLabel = "PATH",
      description = "Config file; only this file is read.")
  Path config;

  @Option(
      names = {"-no-expand-env", "--no-expand-env"},
      description = "Do not expand $VAR and $${...} in the config file.")
  boolean noExpandEnv;

  @Option(
      names = {"-skip-unmount", "--skip-unmount"},
      description = "Do not unmount a stale mount at fuse.dir before mounting.")
  boolean skipUnmount;

  @Option(
      names = {"-debug", "--debug"},
      description = "Debug logging (overrides log.debug).")
  boolean debug;

  @Option(
      names = {"-fuse.debug", "--fuse.debug"},
      description = "Log every FUSE request (overrides fuse.debug).")
  boolean fuseDebug;

  @Option(
      names = {"-tracing", "--tracing"},
      description = "Also write the trace log to stdout.")
  boolean tracing;

  @Parameters(paramLabel = "CMD", arity = "0..*", description = "Command to run after --.")
  List<String> command = new ArrayList<>();

  MountCommand(Actions actions, LoadContext context) {
    this.actions = actions;
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    if (!command.isEmpty() && !spec.commandLine().getParseResult().originalArgs().contains("--")) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "too many arguments, specify a '--' to specify an exec command: replicafs mount -- "
              + String.join(" ", command));
    }
    ConfigLoader.Loaded loaded = new ConfigLoader(context).load(config, !noExpandEnv);
    Config c = loaded.config();
    if (!command.isEmpty()) {
      c = c.withExec(List.of(new ExecEntry(ShellWords.join(command), false)));
    }
    if (debug) {
      c = c.withLogDebug();
    }
    if (fuseDebug) {
      c = c.withFuseDebug();
    }
    for (ExecEntry entry : c.exec()) {
      try {
        ShellWords.split(entry.cmd());
      } catch (IllegalArgumentException e) {
        throw dev.replicafs.cmd.config.ConfigException.at(
            loaded.path().getFileName().toString(), 0, "exec", "exec: " + e.getMessage());
      }
    }
    LogSetup.apply(c.log());
    for (String warning : ConfigWarnings.of(c)) {
      spec.commandLine().getErr().println("WARNING: " + warning);
    }
    return actions.mount(new Requests.Mount(loaded.path(), c, skipUnmount, tracing));
  }
}

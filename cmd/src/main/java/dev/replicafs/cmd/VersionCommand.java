package dev.replicafs.cmd;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code replicafs version}: prints the version, as {@code litefs version} does. */
@Command(name = "version", description = "Print the ReplicaFS version.")
final class VersionCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;
  @Mixin HelpOption help;

  @Override
  public Integer call() {
    spec.commandLine().getOut().println(describe());
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }

  /** {@code ReplicaFS <version> (java <runtime version>)}. */
  static String describe() {
    return "ReplicaFS " + version() + " (java " + Runtime.version() + ")";
  }

  /** The version the build stamped into {@code version.properties}. */
  static String version() {
    Properties p = new Properties();
    try (InputStream in = VersionCommand.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      return "unknown";
    }
    return p.getProperty("version", "development build");
  }
}

package dev.replicafs.cmd.exec;

import dev.replicafs.cmd.config.ExecEntry;
import java.util.Arrays;

/**
 * Test entry point: supervises the exec commands given as arguments in a JVM of its own, so tests
 * can send that JVM real signals. Exits with the supervised child's code, or 1 on a startup error.
 */
public final class ExecProbeMain {
  private ExecProbeMain() {}

  public static void main(String[] args) throws Exception {
    var entries = Arrays.stream(args).map(cmd -> new ExecEntry(cmd, false)).toList();
    try (ExecSupervisor supervisor = new ExecSupervisor(entries, true)) {
      System.exit(supervisor.run());
    } catch (ExecException e) {
      System.err.println(e.getMessage());
      System.exit(1);
    }
  }
}

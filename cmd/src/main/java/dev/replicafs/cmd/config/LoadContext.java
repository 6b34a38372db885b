package dev.replicafs.cmd.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What loading a config depends on outside the file: environment variables, the working and home
 * directories (for the search order) and this machine's hostname. Injected so tests control all of
 * it.
 *
 * <p>As in LiteFS, {@code HOSTNAME} is filled in from the machine's hostname when it is not set, so
 * {@code ${HOSTNAME}} works in a config even where the shell does not export it.
 */
public record LoadContext(
    Map<String, String> env, Path workingDir, Path homeDir, Supplier<String> hostname) {
  public LoadContext {
    Map<String, String> copy = new HashMap<>(env);
    env = java.util.Collections.unmodifiableMap(copy);
  }

  /** The real process environment, working directory, home directory and hostname. */
  public static LoadContext system() {
    return new LoadContext(
        System.getenv(),
        Path.of("").toAbsolutePath(),
        Path.of(System.getProperty("user.home")),
        LoadContext::machineHostname);
  }

  /** The value of {@code name}, with {@code HOSTNAME} defaulting to the machine's hostname. */
  public String getenv(String name) {
    String value = env.get(name);
    if ((value == null || value.isEmpty()) && name.equals("HOSTNAME")) {
      return hostname.get();
    }
    return value;
  }

  private static String machineHostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}

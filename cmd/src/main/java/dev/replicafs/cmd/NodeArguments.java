package dev.replicafs.cmd;

import java.net.URI;
import java.net.URISyntaxException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Checks shared by the commands that talk to a node's API. */
final class NodeArguments {
  static final String DEFAULT_URL = "http://localhost:20202";

  private NodeArguments() {}

  /** Parses {@code url} as an http(s) URL, or fails with a usage error. */
  static URI url(CommandSpec spec, String url) {
    try {
      URI uri = new URI(url);
      if (uri.getHost() == null
          || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
        throw new URISyntaxException(url, "not an http(s) URL");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "-url must be the node's API URL, e.g. " + DEFAULT_URL + ", got \"" + url + "\"");
    }
  }

  /** Checks a database name: non-empty, no path separators, not "." or "..". */
  static String databaseName(CommandSpec spec, String name) {
    if (name == null
        || name.isBlank()
        || name.contains("/")
        || name.contains("\\")
        || name.equals(".")
        || name.equals("..")) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "-name must be a database name as it appears in the mount, e.g. app.db, got \""
              + name
              + "\"");
    }
    return name;
  }
}

package dev.replicafs.cmd.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds, reads, expands, parses and validates the config file.
 *
 * <p>Steps: (1) the file is {@code -config PATH} when given, otherwise the first that exists of
 * {@code ./replicafs.yml}, {@code ./litefs.yml}, {@code ~/replicafs.yml}, {@code
 * /etc/replicafs.yml}, {@code /etc/litefs.yml}; (2) unless disabled, {@link EnvExpander} expands
 * {@code $VAR}, {@code ${VAR}} and {@code ${A == 'x'}} in the raw text, comments included, as
 * LiteFS does; (3) {@link YamlTree} parses it keeping lines; (4) {@link ConfigBinder} maps it onto
 * the records, which validate themselves. Every failure is a {@link ConfigException} naming the
 * file and, where there is one, the line.
 */
public final class ConfigLoader {
  private final LoadContext context;

  public ConfigLoader(LoadContext context) {
    this.context = context;
  }

  /** A loaded config and the file it came from. */
  public record Loaded(Path path, Config config) {}

  /** The search order used when no path is given, for this context. */
  public List<Path> searchPaths() {
    return List.of(
        context.workingDir().resolve("replicafs.yml"),
        context.workingDir().resolve("litefs.yml"),
        context.homeDir().resolve("replicafs.yml"),
        Path.of("/etc/replicafs.yml"),
        Path.of("/etc/litefs.yml"));
  }

  /**
   * Loads {@code explicitPath}, or the first file of {@link #searchPaths()} when it is null.
   *
   * @throws ConfigException when no file is found or the file is invalid
   */
  public Loaded load(Path explicitPath, boolean expandEnv) {
    if (explicitPath != null) {
      Path path = context.workingDir().resolve(explicitPath);
      return new Loaded(path, parse(path, read(path), expandEnv));
    }
    for (Path candidate : searchPaths()) {
      if (Files.isRegularFile(candidate)) {
        return new Loaded(candidate, parse(candidate, read(candidate), expandEnv));
      }
    }
    throw new ConfigException(
        "",
        "config file not found: looked for "
            + String.join(", ", searchPaths().stream().map(Path::toString).toList())
            + "; pass -config PATH or create replicafs.yml");
  }

  /**
   * Parses config {@code text} as if read from {@code path} (used for messages and to resolve
   * relative {@code token-file} paths).
   */
  public Config parse(Path path, String text, boolean expandEnv) {
    return parse(path, text, expandEnv, key -> {});
  }

  /** As {@link #parse(Path, String, boolean)}, reporting every leaf key read to {@code keys}. */
  Config parse(
      Path path, String text, boolean expandEnv, java.util.function.Consumer<String> keys) {
    String name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
    String expanded = expandEnv ? new EnvExpander(context::getenv).expand(text) : text;
    YamlNode root = YamlTree.parse(name, expanded);
    Path baseDir = path.toAbsolutePath().getParent();
    try {
      return new ConfigBinder(context, baseDir == null ? context.workingDir() : baseDir)
          .bind(new ConfigSection(name, "", root, keys));
    } catch (ConfigException e) {
      throw e.locate(name, lineOf(root, e.keyPath()));
    }
  }

  /** The line of the deepest existing key along {@code keyPath}, or 0 when none exists. */
  static int lineOf(YamlNode root, String keyPath) {
    int line = 0;
    YamlNode node = root;
    if (keyPath.isEmpty()) {
      return 0;
    }
    for (String segment : keyPath.split("\\.")) {
      if (!(node instanceof YamlNode.Mapping)) {
        break;
      }
      YamlNode.Entry entry = ((YamlNode.Mapping) node).entries().get(segment);
      if (entry == null) {
        break;
      }
      line = entry.keyLine();
      node = entry.value();
    }
    return line;
  }

  private static String read(Path path) {
    try {
      return Files.readString(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw ConfigException.ofFile(
          path.toString(), 0, "config file does not exist: check the -config path", e);
    } catch (IOException e) {
      throw ConfigException.ofFile(
          path.toString(), 0, "cannot read config file: " + e.getMessage(), e);
    }
  }
}

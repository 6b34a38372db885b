package dev.replicafs.cmd.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A typed, strict view of one mapping of the config file: each getter reads one key (absent or
 * empty values give the default) and remembers it, and {@link #finish()} rejects every key that no
 * getter asked for, naming the line, the full key path and the closest known key.
 *
 * <p>Type errors name the line and the key path: {@code replicafs.yml:7: data.retention: expected a
 * duration such as "10s", got the number 10}.
 */
final class ConfigSection {
  private static final Map<String, String> REMOVED_TOP_LEVEL =
      Map.of(
          "mount-dir", "use fuse.dir",
          "data-dir", "use data.dir",
          "consul", "use lease.type: consul and the lease.consul section",
          "static", "use lease.type: static and lease.candidate/lease.advertise-url",
          "retention", "use data.retention and data.retention-monitor-interval",
          "debug", "use log.debug or fuse.debug");

  private final String file;
  private final String path;
  private final YamlNode.Mapping mapping;
  private final Set<String> known = new HashSet<>();
  private final java.util.function.Consumer<String> keyListener;

  ConfigSection(String file, String path, YamlNode node) {
    this(file, path, node, key -> {});
  }

  /** A section that reports the full path of every key a getter reads to {@code keyListener}. */
  ConfigSection(
      String file, String path, YamlNode node, java.util.function.Consumer<String> keyListener) {
    this.file = file;
    this.path = path;
    this.keyListener = keyListener;
    if (node instanceof YamlNode.Mapping) {
      this.mapping = (YamlNode.Mapping) node;
    } else if (node instanceof YamlNode.Scalar && ((YamlNode.Scalar) node).text() == null) {
      this.mapping = new YamlNode.Mapping(node.line(), Map.of());
    } else {
      throw typeError(node, path.isEmpty() ? "the file" : path, "a mapping of keys");
    }
  }

  /** The file name used in messages. */
  String file() {
    return file;
  }

  /** The full dotted path of {@code key} in this section. */
  String pathOf(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** The line of {@code key}, or of this section when the key is absent. */
  int lineOf(String key) {
    YamlNode.Entry entry = mapping.entries().get(key);
    return entry == null ? mapping.line() : entry.keyLine();
  }

  /** The raw value of {@code key}, or null when absent or empty; {@code key} is a leaf key. */
  YamlNode raw(String key) {
    keyListener.accept(pathOf(key));
    return value(key);
  }

  /** A nested section or list item of this section. */
  ConfigSection child(String childPath, YamlNode node) {
    return new ConfigSection(file, childPath, node, keyListener);
  }

  private YamlNode value(String key) {
    known.add(key);
    YamlNode.Entry entry = mapping.entries().get(key);
    if (entry == null) {
      return null;
    }
    YamlNode value = entry.value();
    if (value instanceof YamlNode.Scalar && ((YamlNode.Scalar) value).text() == null) {
      return null;
    }
    return value;
  }

  ConfigSection section(String key) {
    YamlNode value = value(key);
    return child(pathOf(key), value == null ? new YamlNode.Mapping(lineOf(key), Map.of()) : value);
  }

  String string(String key, String defaultValue) {
    return scalar(key, defaultValue, "a string", s -> s.text());
  }

  boolean bool(String key, boolean defaultValue) {
    return scalar(
        key,
        defaultValue,
        "true or false",
        s -> {
          String t = s.text().strip().toLowerCase(java.util.Locale.ROOT);
          if (t.equals("true") || t.equals("false")) {
            return Boolean.valueOf(t);
          }
          throw new IllegalArgumentException();
        });
  }

  int integer(String key, int defaultValue) {
    return scalar(key, defaultValue, "a whole number", s -> Integer.valueOf(s.text().strip()));
  }

  Duration duration(String key, Duration defaultValue) {
    return scalar(
        key,
        defaultValue,
        "a duration such as \"10s\", \"500ms\" or \"1h30m\"",
        s -> {
          if (s.type() == YamlNode.ScalarType.INTEGER && !s.text().strip().equals("0")) {
            throw new IllegalArgumentException();
          }
          return GoDuration.parse(s.text());
        });
  }

  long bytes(String key, long defaultValue) {
    return scalar(
        key,
        defaultValue,
        "a size in bytes such as 1073741824, \"512MiB\" or \"1GB\"",
        s -> ByteSize.parse(s.text()));
  }

  /** A list of strings; a single string is accepted as a one-element list. */
  List<String> strings(String key) {
    YamlNode value = raw(key);
    if (value == null) {
      return List.of();
    }
    if (value instanceof YamlNode.Scalar) {
      return List.of(((YamlNode.Scalar) value).text());
    }
    if (!(value instanceof YamlNode.Sequence)) {
      throw typeError(value, pathOf(key), "a list of strings");
    }
    List<String> out = new ArrayList<>();
    for (YamlNode item : ((YamlNode.Sequence) value).items()) {
      if (!(item instanceof YamlNode.Scalar) || ((YamlNode.Scalar) item).text() == null) {
        throw typeError(item, pathOf(key), "a list of strings");
      }
      out.add(((YamlNode.Scalar) item).text());
    }
    return out;
  }

  /** Rejects the first key no getter asked for. */
  void finish() {
    for (Map.Entry<String, YamlNode.Entry> e : mapping.entries().entrySet()) {
      if (known.contains(e.getKey())) {
        continue;
      }
      String key = e.getKey();
      String message = "unknown key \"" + pathOf(key) + "\"";
      String removed = path.isEmpty() ? REMOVED_TOP_LEVEL.get(key) : null;
      String suggestion = closest(key, known);
      if (removed != null) {
        message += " (removed from the LiteFS config format: " + removed + ")";
      } else if (suggestion != null) {
        message += " (did you mean \"" + suggestion + "\"?)";
      } else {
        message += " (known keys here: " + String.join(", ", new java.util.TreeSet<>(known)) + ")";
      }
      throw ConfigException.at(file, e.getValue().keyLine(), pathOf(key), message);
    }
  }

  ConfigException typeError(YamlNode node, String keyPath, String expected) {
    return ConfigException.at(
        file,
        node.line(),
        keyPath,
        keyPath + ": expected " + expected + ", got " + node.kindName());
  }

  /** A validation error about {@code key} located at its line. */
  ConfigException invalid(String key, String message) {
    return ConfigException.at(file, lineOf(key), pathOf(key), message);
  }

  private <T> T scalar(
      String key, T defaultValue, String expected, Function<YamlNode.Scalar, T> convert) {
    YamlNode value = raw(key);
    if (value == null) {
      return defaultValue;
    }
    if (!(value instanceof YamlNode.Scalar)) {
      throw typeError(value, pathOf(key), expected);
    }
    try {
      return convert.apply((YamlNode.Scalar) value);
    } catch (IllegalArgumentException e) {
      String detail = e.getMessage() == null ? "" : " (" + e.getMessage() + ")";
      throw ConfigException.at(
          file,
          value.line(),
          pathOf(key),
          pathOf(key) + ": expected " + expected + ", got " + value.kindName() + detail);
    }
  }

  /** The known key closest to {@code key} by edit distance, if close enough to be a typo. */
  static String closest(String key, Set<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : new java.util.TreeSet<>(candidates)) {
      int d = editDistance(key, candidate);
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return best != null && bestDistance <= Math.max(2, key.length() / 3) ? best : null;
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] =
            Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}

package dev.replicafs.cmd.config;

import java.util.List;
import java.util.Map;

/**
 * A YAML value with the line it starts on, so that every error can name its line. Built by {@link
 * YamlTree} from Jackson's streaming YAML parser (Jackson's own tree model drops locations).
 */
public sealed interface YamlNode {

  /** 1-based line where the value starts. */
  int line();

  /** A human name for the kind of value, used in "expected X, got Y" messages. */
  String kindName();

  /** A mapping; keys keep file order, each with the line of the key itself. */
  record Mapping(int line, Map<String, Entry> entries) implements YamlNode {
    public Mapping {
      entries = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(entries));
    }

    @Override
    public String kindName() {
      return "a mapping";
    }
  }

  /** One key of a mapping: the key's line and its value. */
  record Entry(int keyLine, YamlNode value) {}

  /** A sequence. */
  record Sequence(int line, List<YamlNode> items) implements YamlNode {
    public Sequence {
      items = List.copyOf(items);
    }

    @Override
    public String kindName() {
      return "a list";
    }
  }

  /**
   * A scalar: its text and how YAML resolved it. {@code text} is null only for {@link
   * ScalarType#NULL}.
   */
  record Scalar(int line, String text, ScalarType type) implements YamlNode {
    @Override
    public String kindName() {
      switch (type) {
        case NULL:
          return "an empty value";
        case BOOLEAN:
          return "the boolean " + text;
        case INTEGER:
          return "the number " + text;
        case FLOAT:
          return "the number " + text;
        default:
          return "the string \"" + text + "\"";
      }
    }
  }

  /** How YAML resolved a scalar (quoted scalars are always strings). */
  enum ScalarType {
    STRING,
    INTEGER,
    FLOAT,
    BOOLEAN,
    NULL
  }
}

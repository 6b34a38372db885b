package dev.replicafs.cmd.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses YAML text into {@link YamlNode}s that remember their lines, using Jackson's streaming YAML
 * parser. An empty document is an empty mapping; duplicate keys and a second document are errors
 * (LiteFS's yaml.v3 rejects duplicates too); anchors and aliases ({@code &name}, {@code *name})
 * resolve to the anchored value.
 */
public final class YamlTree {
  private static final YAMLFactory FACTORY = new YAMLFactory();

  /**
   * Parses {@code text}; {@code file} is used only in error messages.
   *
   * @throws ConfigException when the text is not valid YAML or has a duplicate key
   */
  public static YamlNode parse(String file, String text) {
    try (JsonParser parser = FACTORY.createParser(text)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return new YamlNode.Mapping(1, Map.of());
      }
      YamlNode root = new YamlTree(file, (YAMLParser) parser).read(first);
      if (parser.nextToken() != null) {
        throw ConfigException.ofFile(
            file,
            parser.currentTokenLocation().getLineNr(),
            "a second YAML document (---) is not supported: keep one document per file",
            null);
      }
      return root;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String message = e.getOriginalMessage();
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile(" line (\\d+), column").matcher(message);
      int line = m.find() ? Integer.parseInt(m.group(1)) : at == null ? 0 : at.getLineNr();
      throw ConfigException.ofFile(file, line, "invalid YAML: " + reason(message), e);
    } catch (IOException e) {
      throw ConfigException.ofFile(file, 0, "cannot read YAML: " + e.getMessage(), e);
    }
  }

  private final String file;
  private final YAMLParser p;
  private final Map<String, YamlNode> anchors = new HashMap<>();

  private YamlTree(String file, YAMLParser parser) {
    this.file = file;
    this.p = parser;
  }

  /** The parser's message without SnakeYAML's source excerpt: "while X: found Y". */
  private static String reason(String message) {
    List<String> parts = new ArrayList<>();
    for (String line : message.split("\\R")) {
      if (line.startsWith(" in ") || line.isBlank()) {
        break;
      }
      parts.add(line.strip());
    }
    return parts.isEmpty() ? "malformed YAML" : String.join(": ", parts);
  }

  private YamlNode read(JsonToken token) throws IOException {
    int line = p.currentTokenLocation().getLineNr();
    if (p.isCurrentAlias()) {
      YamlNode target = anchors.get(p.getText());
      if (target == null) {
        throw ConfigException.ofFile(
            file,
            line,
            "YAML alias *"
                + p.getText()
                + " does not name an anchored mapping or list (anchors on single values are"
                + " not supported: repeat the value)",
            null);
      }
      return target;
    }
    String anchor = p.getObjectId() instanceof String ? (String) p.getObjectId() : null;
    YamlNode node = readValue(token, line);
    if (anchor != null) {
      anchors.put(anchor, node);
    }
    return node;
  }

  private YamlNode readValue(JsonToken token, int line) throws IOException {
    switch (token) {
      case START_OBJECT:
        Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
          String key = p.currentName();
          int keyLine = p.currentTokenLocation().getLineNr();
          YamlNode value = read(p.nextToken());
          if (entries.putIfAbsent(key, new YamlNode.Entry(keyLine, value)) != null) {
            throw ConfigException.at(file, keyLine, key, "duplicate key \"" + key + "\"");
          }
        }
        return new YamlNode.Mapping(line, entries);
      case START_ARRAY:
        List<YamlNode> items = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
          items.add(read(t));
        }
        return new YamlNode.Sequence(line, items);
      case VALUE_STRING:
        return new YamlNode.Scalar(line, p.getText(), YamlNode.ScalarType.STRING);
      case VALUE_NUMBER_INT:
        return new YamlNode.Scalar(line, p.getText(), YamlNode.ScalarType.INTEGER);
      case VALUE_NUMBER_FLOAT:
        return new YamlNode.Scalar(line, p.getText(), YamlNode.ScalarType.FLOAT);
      case VALUE_TRUE:
      case VALUE_FALSE:
        return new YamlNode.Scalar(
            line, String.valueOf(token == JsonToken.VALUE_TRUE), YamlNode.ScalarType.BOOLEAN);
      case VALUE_NULL:
        return new YamlNode.Scalar(line, null, YamlNode.ScalarType.NULL);
      default:
        throw ConfigException.ofFile(file, line, "unsupported YAML value " + token, null);
    }
  }
}

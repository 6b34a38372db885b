package dev.replicafs.cmd.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses YAML text into {@link YamlNode}s that remember their lines, using Jackson's streaming YAML
 * parser. An empty document is an empty mapping; duplicate keys are an error (LiteFS's yaml.v3
 * rejects them too).
 */
public final class YamlTree {
  private static final YAMLFactory FACTORY = new YAMLFactory();

  private YamlTree() {}

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
      return read(file, parser, first);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String reason = e.getOriginalMessage().lines().findFirst().orElse("malformed YAML");
      throw ConfigException.ofFile(
          file, at == null ? 0 : at.getLineNr(), "invalid YAML: " + reason, e);
    } catch (IOException e) {
      throw ConfigException.ofFile(file, 0, "cannot read YAML: " + e.getMessage(), e);
    }
  }

  private static YamlNode read(String file, JsonParser p, JsonToken token) throws IOException {
    int line = p.currentTokenLocation().getLineNr();
    switch (token) {
      case START_OBJECT:
        Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
          String key = p.currentName();
          int keyLine = p.currentTokenLocation().getLineNr();
          YamlNode value = read(file, p, p.nextToken());
          if (entries.putIfAbsent(key, new YamlNode.Entry(keyLine, value)) != null) {
            throw ConfigException.at(file, keyLine, key, "duplicate key \"" + key + "\"");
          }
        }
        return new YamlNode.Mapping(line, entries);
      case START_ARRAY:
        List<YamlNode> items = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
          items.add(read(file, p, t));
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

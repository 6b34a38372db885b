package dev.replicafs.replication.ltx;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates {@code shared/fixtures/ltx} (system property {@code replicafs.shared}, else {@code
 * ../shared} from the repository root) and reads its manifest. When the folder is missing a test
 * fails if {@code CI=true} and is skipped otherwise.
 */
final class SharedFixtures {
  private static Path root;
  private static JsonNode manifest;

  private SharedFixtures() {}

  /** Whether the fixtures folder exists (for building parameter lists without failing). */
  static synchronized boolean present() {
    return find() != null;
  }

  /** The {@code fixtures/ltx} folder, or fail/skip. */
  static synchronized Path ltxRoot() {
    Path found = find();
    if (found != null) {
      return found;
    }
    String message =
        "LTX interop fixtures not found (set -Dreplicafs.shared=<dir> or put a shared/ folder"
            + " beside the repository or one of its parent folders)";
    if ("true".equals(System.getenv("CI"))) {
      fail(message);
    }
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }

  private static Path find() {
    if (root != null) {
      return root;
    }
    List<Path> candidates = new ArrayList<>();
    String prop = System.getProperty("replicafs.shared");
    if (prop != null && !prop.isBlank()) {
      candidates.add(Paths.get(prop));
    }
    for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
      candidates.add(p.resolve("shared"));
    }
    for (Path shared : candidates) {
      Path ltx = shared.resolve("fixtures/ltx");
      if (Files.isRegularFile(ltx.resolve("manifest-generated.json"))) {
        root = ltx;
        return root;
      }
    }
    return null;
  }

  /** A fixture file by its path relative to {@code fixtures/ltx}. */
  static Path file(String relative) {
    return ltxRoot().resolve(relative);
  }

  /**
   * Relative paths of generated fixtures matching {@code filter}, or one placeholder when the
   * folder is missing, so a parameterized test runs once and fails or skips with a message.
   */
  static java.util.stream.Stream<String> generatedFiles(
      java.util.function.Predicate<JsonNode> filter) {
    if (!present()) {
      return java.util.stream.Stream.of(MISSING);
    }
    return generated().stream().filter(filter).map(e -> e.get("file").asText());
  }

  /** Placeholder parameter used when the fixtures are missing. */
  static final String MISSING = "(fixtures folder missing)";

  /** The entries of {@code generated_ltx} in the manifest. */
  static synchronized List<JsonNode> generated() {
    if (manifest == null) {
      try {
        manifest =
            new ObjectMapper().readTree(ltxRoot().resolve("manifest-generated.json").toFile());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    List<JsonNode> out = new ArrayList<>();
    manifest.get("generated_ltx").forEach(out::add);
    return out;
  }

  /** The manifest entry for one file. */
  static JsonNode entry(String relative) {
    ltxRoot();
    return generated().stream()
        .filter(e -> e.get("file").asText().equals(relative))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no manifest entry for " + relative));
  }

  /** Parses a manifest hex string ("8000000000000000", "0x00000001"). */
  static long hex(JsonNode node) {
    String s = node.asText();
    if (s.startsWith("0x")) {
      s = s.substring(2);
    }
    return Long.parseUnsignedLong(s, 16);
  }

  static byte[] read(String relative) {
    ltxRoot();
    try {
      return Files.readAllBytes(file(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

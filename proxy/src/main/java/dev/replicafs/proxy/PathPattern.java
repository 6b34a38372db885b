package dev.replicafs.proxy;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A {@code proxy.passthrough} or {@code proxy.always-forward} pattern with LiteFS's glob semantics
 * ({@code http.CompileMatch}): every regex meta character is taken literally, {@code *} matches any
 * run of characters (including {@code /}), and the pattern must match the whole URL path. So {@code
 * /build/*} matches {@code /build/} and {@code /build/foo/bar} but not {@code /build}, and {@code
 * *.png} matches {@code /images/pic.png}.
 *
 * @param glob the pattern as configured
 * @param regex the compiled, anchored expression
 */
public record PathPattern(String glob, Pattern regex) {

  public PathPattern {
    Objects.requireNonNull(glob, "glob");
    Objects.requireNonNull(regex, "regex");
  }

  /** Compiles a glob; the empty glob matches only the empty path. */
  public static PathPattern compile(String glob) {
    Objects.requireNonNull(glob, "glob");
    StringBuilder re = new StringBuilder("^");
    int start = 0;
    for (int star = glob.indexOf('*'); star >= 0; star = glob.indexOf('*', start)) {
      appendLiteral(re, glob.substring(start, star));
      re.append(".*");
      start = star + 1;
    }
    appendLiteral(re, glob.substring(start));
    re.append('$');
    return new PathPattern(glob, Pattern.compile(re.toString(), Pattern.DOTALL));
  }

  /** Compiles each glob of a configured list. */
  public static List<PathPattern> compileAll(List<String> globs) {
    return globs.stream().map(PathPattern::compile).toList();
  }

  /** True when any of {@code patterns} matches {@code path}. */
  public static boolean anyMatches(List<PathPattern> patterns, String path) {
    for (PathPattern p : patterns) {
      if (p.matches(path)) {
        return true;
      }
    }
    return false;
  }

  /** True when the whole {@code path} matches. */
  public boolean matches(String path) {
    return regex.matcher(path).matches();
  }

  private static void appendLiteral(StringBuilder re, String literal) {
    if (!literal.isEmpty()) {
      re.append(Pattern.quote(literal));
    }
  }
}

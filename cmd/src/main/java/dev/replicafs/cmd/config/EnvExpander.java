package dev.replicafs.cmd.config;

import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Environment-variable expansion of the raw config text, exactly as LiteFS's {@code ExpandEnv}
 * (Go's {@code os.Expand} plus comparison expressions).
 *
 * <ul>
 *   <li>{@code $NAME} (letters, digits, underscore) and {@code ${NAME}} expand to the variable's
 *       value; an unset variable expands to the empty string.
 *   <li>{@code $} followed by one of {@code *#$@!?-} or a digit is a one-character name (looked up,
 *       so normally empty), as in Go.
 *   <li>Inside {@code ${...}} surrounding whitespace is trimmed, and three expression forms yield
 *       {@code true} or {@code false}: {@code ${A == 'x'}} / {@code ${A != 'x'}} (single quotes),
 *       {@code ${A == "x y"}} (double quotes; the literal may contain spaces) and {@code ${A == B}}
 *       (two variable names).
 *   <li>There is no default-value syntax: {@code ${A:-x}} looks up a variable literally named
 *       {@code A:-x} (empty).
 *   <li>Malformed forms follow Go: {@code ${}} and an unclosed {@code ${} are dropped; a {@code $}
 *       followed by anything else (or at the end) stays as it is.
 * </ul>
 */
public final class EnvExpander {
  private static final Pattern SINGLE = Pattern.compile("^(\\w+)\\s*(==|!=)\\s*'(.*)'$");
  private static final Pattern DOUBLE = Pattern.compile("^(\\w+)\\s*(==|!=)\\s*\"(.*)\"$");
  private static final Pattern VARS = Pattern.compile("^(\\w+)\\s*(==|!=)\\s*(\\w+)$");

  private final Function<String, String> env;

  /** Expands against {@code env}, which returns null for an unset variable. */
  public EnvExpander(Function<String, String> env) {
    this.env = env;
  }

  /** Returns {@code text} with every reference expanded. */
  public String expand(String text) {
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c != '$' || i + 1 >= text.length()) {
        out.append(c);
        i++;
        continue;
      }
      char next = text.charAt(i + 1);
      if (next == '{') {
        if (i + 3 < text.length() && isSpecial(text.charAt(i + 2)) && text.charAt(i + 3) == '}') {
          out.append(lookup(String.valueOf(text.charAt(i + 2))));
          i += 4;
          continue;
        }
        int close = text.indexOf('}', i + 2);
        if (close < 0) {
          i += 2; // Go drops an unclosed "${"
        } else {
          if (close > i + 2) {
            out.append(evaluate(text.substring(i + 2, close)));
          }
          i = close + 1;
        }
      } else if (isSpecial(next)) {
        out.append(lookup(String.valueOf(next)));
        i += 2;
      } else {
        int end = i + 1;
        while (end < text.length() && isNameChar(text.charAt(end))) {
          end++;
        }
        if (end == i + 1) {
          out.append('$');
          i++;
        } else {
          out.append(lookup(text.substring(i + 1, end)));
          i = end;
        }
      }
    }
    return out.toString();
  }

  private String evaluate(String expression) {
    String v = expression.strip();
    Matcher m = SINGLE.matcher(v);
    if (!m.matches()) {
      m = DOUBLE.matcher(v);
    }
    if (m.matches()) {
      return compare(lookup(m.group(1)), m.group(2), m.group(3));
    }
    m = VARS.matcher(v);
    if (m.matches()) {
      return compare(lookup(m.group(1)), m.group(2), lookup(m.group(3)));
    }
    return lookup(v);
  }

  private static String compare(String left, String operator, String right) {
    boolean equal = left.equals(right);
    return String.valueOf(operator.equals("==") == equal);
  }

  private String lookup(String name) {
    String value = env.apply(name);
    return value == null ? "" : value;
  }

  private static boolean isSpecial(char c) {
    return "*#$@!?-".indexOf(c) >= 0 || (c >= '0' && c <= '9');
  }

  private static boolean isNameChar(char c) {
    return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
}

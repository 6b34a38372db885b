package dev.replicafs.cmd.exec;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits an {@code exec} command line into arguments with the shell-word rules LiteFS uses
 * (go-shellwords): words are separated by unquoted whitespace; single quotes keep everything
 * literally; double quotes group words; a backslash outside single quotes escapes the next
 * character. No variables are expanded here (the config file was expanded already) and no shell
 * runs.
 *
 * <p>Unlike go-shellwords, which silently drops everything after an unquoted {@code ;}, {@code &},
 * {@code |}, {@code <} or {@code >}, this rejects them and says to wrap the line in {@code sh -c}.
 */
public final class ShellWords {
  private ShellWords() {}

  /**
   * Splits {@code line}.
   *
   * @throws IllegalArgumentException on an unclosed quote, a trailing backslash or a shell operator
   */
  public static List<String> split(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote == '\'') {
        if (c == '\'') {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '\\') {
        if (i + 1 >= line.length()) {
          throw new IllegalArgumentException("command ends with a lone backslash: " + line);
        }
        word.append(line.charAt(++i));
        inWord = true;
      } else if (quote == '"') {
        if (c == '"') {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else if (";&|<>".indexOf(c) >= 0) {
        throw new IllegalArgumentException(
            "shell operator '"
                + c
                + "' in command \""
                + line
                + "\": commands run without a shell; write sh -c '...' to use one");
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException("unclosed " + quote + " quote in command: " + line);
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }

  /**
   * Joins {@code args} into one command line that {@link #split} turns back into exactly {@code
   * args}, quoting where needed (used for {@code replicafs mount -- CMD ARGS}).
   */
  public static String join(List<String> args) {
    StringBuilder out = new StringBuilder();
    for (String arg : args) {
      if (out.length() > 0) {
        out.append(' ');
      }
      if (!arg.isEmpty() && arg.chars().allMatch(ShellWords::isPlain)) {
        out.append(arg);
      } else {
        out.append('\'').append(arg.replace("'", "'\\''")).append('\'');
      }
    }
    return out.toString();
  }

  private static boolean isPlain(int c) {
    return Character.isLetterOrDigit(c) || "-_./:=,+@%^".indexOf(c) >= 0;
  }
}

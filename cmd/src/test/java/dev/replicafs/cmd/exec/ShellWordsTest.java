package dev.replicafs.cmd.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ShellWordsTest {
  @Test
  void splitsOnWhitespaceAndHonoursQuotes() {
    assertThat(ShellWords.split("  myapp -addr :8080 ")).containsExactly("myapp", "-addr", ":8080");
    assertThat(ShellWords.split("sh -c 'echo $HOME; exit 3'"))
        .containsExactly("sh", "-c", "echo $HOME; exit 3");
    assertThat(ShellWords.split("say \"a b\" c\\ d 'it'\"'\"'s' \"\""))
        .containsExactly("say", "a b", "c d", "it's", "");
    assertThat(ShellWords.split("echo \"q\\\"uote\"")).containsExactly("echo", "q\"uote");
  }

  @Test
  void rejectsUnclosedQuotesAndShellOperators() {
    assertThatThrownBy(() -> ShellWords.split("echo 'oops")).hasMessageContaining("unclosed");
    assertThatThrownBy(() -> ShellWords.split("migrate && serve"))
        .hasMessageContaining("shell operator '&'")
        .hasMessageContaining("sh -c");
    assertThatThrownBy(() -> ShellWords.split("app > log")).hasMessageContaining("'>'");
  }

  @Test
  void joinRoundTripsAnyArguments() {
    java.util.Random random = new java.util.Random(8);
    String alphabet = "ab Z09-_./:='\"\\$;&|<>\t*~é";
    for (int round = 0; round < 2000; round++) {
      java.util.List<String> args = new java.util.ArrayList<>();
      int count = 1 + random.nextInt(5);
      for (int i = 0; i < count; i++) {
        StringBuilder arg = new StringBuilder();
        int length = random.nextInt(8);
        for (int j = 0; j < length; j++) {
          arg.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        args.add(arg.toString());
      }
      assertThat(ShellWords.split(ShellWords.join(args))).as("round %d", round).isEqualTo(args);
    }
  }
}

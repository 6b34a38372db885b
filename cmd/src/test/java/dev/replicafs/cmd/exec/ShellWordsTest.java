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
}

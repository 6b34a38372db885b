package dev.replicafs.cmd.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvExpanderTest {
  private final EnvExpander expander =
      new EnvExpander(
          Map.of(
                  "REGION", "ams",
                  "PRIMARY_REGION", "ams",
                  "OTHER", "fra",
                  "SPACED", "a b",
                  "APP", "shop")
              ::get);

  @Test
  void expandsBareAndBracedNames() {
    assertThat(expander.expand("x-$APP-${APP}-${ APP }")).isEqualTo("x-shop-shop-shop");
    assertThat(expander.expand("$APP.internal")).isEqualTo("shop.internal");
  }

  @Test
  void unsetVariablesExpandToEmpty() {
    assertThat(expander.expand("[$NOPE][${NOPE}]")).isEqualTo("[][]");
  }

  @Test
  void comparesWithSingleAndDoubleQuotedLiterals() {
    assertThat(expander.expand("${REGION == 'ams'}")).isEqualTo("true");
    assertThat(expander.expand("${REGION != 'ams'}")).isEqualTo("false");
    assertThat(expander.expand("${SPACED == \"a b\"}")).isEqualTo("true");
    assertThat(expander.expand("${SPACED != \"a b\"}")).isEqualTo("false");
    assertThat(expander.expand("${NOPE == ''}")).isEqualTo("true");
  }

  @Test
  void comparesTwoVariables() {
    assertThat(expander.expand("candidate: ${REGION == PRIMARY_REGION}"))
        .isEqualTo("candidate: true");
    assertThat(expander.expand("${REGION==OTHER}")).isEqualTo("false");
    assertThat(expander.expand("${REGION != OTHER}")).isEqualTo("true");
    assertThat(expander.expand("${NOPE == ALSO_NOPE}")).isEqualTo("true");
  }

  @Test
  void hasNoDefaultValueSyntax() {
    assertThat(expander.expand("[${APP:-x}]")).isEqualTo("[]");
  }

  @Test
  void followsGoForMalformedAndSpecialForms() {
    assertThat(expander.expand("cost $ 5")).isEqualTo("cost $ 5");
    assertThat(expander.expand("end$")).isEqualTo("end$");
    assertThat(expander.expand("a${}b")).isEqualTo("ab");
    assertThat(expander.expand("a${APP")).isEqualTo("aAPP");
    assertThat(expander.expand("sh -c 'echo $1 $$ ${?}'")).isEqualTo("sh -c 'echo   '");
  }

  @Test
  void expandsInsideComments() {
    assertThat(expander.expand("# node $APP\nkey: v")).isEqualTo("# node shop\nkey: v");
  }
}

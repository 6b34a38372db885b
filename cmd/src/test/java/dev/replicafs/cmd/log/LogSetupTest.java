package dev.replicafs.cmd.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.replicafs.cmd.config.LogConfig;
import dev.replicafs.cmd.config.LogFormat;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LogSetupTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final Logger log = LoggerFactory.getLogger("dev.replicafs.Store");

  @AfterEach
  void restoreDefaults() {
    LogSetup.apply(LogConfig.defaults());
  }

  private String output() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void textLinesCarryLevelLoggerAndMessageWithoutTimestampByDefault() {
    LogSetup.apply(LogConfig.defaults(), out);
    log.info("db opened db={} txid={}", "app.db", "0000000000000001");
    log.debug("hidden at info level");
    assertThat(output())
        .isEqualTo("level=INFO logger=Store db opened db=app.db txid=0000000000000001\n");
  }

  @Test
  void debugAndTimestampAreOptional() {
    LogSetup.apply(new LogConfig(LogFormat.TEXT, true, true), out);
    log.debug("shown");
    assertThat(output())
        .matches(
            "time=\\d{4}-\\d\\d-\\d\\dT[0-9:.]+(Z|[+-]\\d\\d:\\d\\d) level=DEBUG logger=Store shown\\n");
  }

  @Test
  void jsonFormatWritesOneObjectPerLine() throws Exception {
    LogSetup.apply(new LogConfig(LogFormat.JSON, false, false), out);
    log.warn("lease lost key={}", "app/primary");
    String[] lines = output().split("\n");
    assertThat(lines).hasSize(1);
    JsonNode event = new ObjectMapper().readTree(lines[0]);
    assertThat(event.get("level").asText()).isEqualTo("WARN");
    assertThat(event.get("loggerName").asText()).isEqualTo("dev.replicafs.Store");
    assertThat(event.get("formattedMessage").asText()).isEqualTo("lease lost key=app/primary");
    assertThat(event.has("timestamp")).isFalse();
  }
}

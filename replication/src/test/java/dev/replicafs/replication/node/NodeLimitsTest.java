package dev.replicafs.replication.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Oversized requests are refused before an endpoint runs; import refuses non-SQLite early. */
class NodeLimitsTest {
  @TempDir Path tmp;
  private TestNode node;

  @BeforeEach
  void start() throws Exception {
    node = TestNode.open(tmp.resolve("n"), 0x1A);
    node.node.becomePrimary();
  }

  @AfterEach
  void stop() throws Exception {
    node.close();
  }

  @Test
  void oversizedHeadersAndTooManyParametersAreRefused() throws Exception {
    String big = "x".repeat(32 * 1024);
    assertThat(
            raw("GET /info HTTP/1.1\r\nHost: a\r\nConnection: close\r\nX-Big: " + big + "\r\n\r\n"))
        .as("32 KiB header")
        .satisfiesAnyOf(
            s -> assertThat(s).isEmpty(), s -> assertThat(s).matches("HTTP/1.1 4\\d\\d(.|\\s)*"));
    StringBuilder many =
        new StringBuilder("GET /info HTTP/1.1\r\nHost: a\r\nConnection: close\r\n");
    for (int i = 0; i < 100; i++) {
      many.append("X-H").append(i).append(": v\r\n");
    }
    assertThat(raw(many + "\r\n"))
        .as("100 headers")
        .satisfiesAnyOf(
            s -> assertThat(s).isEmpty(), s -> assertThat(s).matches("HTTP/1.1 4\\d\\d(.|\\s)*"));
    StringBuilder params = new StringBuilder("GET /export?name=a.db");
    for (int i = 0; i < 40; i++) {
      params.append("&p").append(i).append("=1");
    }
    assertThat(raw(params + " HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"))
        .as("40 query parameters")
        .satisfiesAnyOf(
            s -> assertThat(s).isEmpty(), s -> assertThat(s).matches("HTTP/1.1 4\\d\\d(.|\\s)*"));
    assertThat(raw("GET /info HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"))
        .as("a normal request still works")
        .startsWith("HTTP/1.1 200");
  }

  @Test
  void importRefusesANonSqliteBodyAfterItsHeaderAndLeavesNoTemporaryFile() throws Exception {
    StringBuilder req =
        new StringBuilder("POST /import?name=x.db HTTP/1.1\r\nHost: a\r\nConnection: close\r\n");
    req.append("Content-Length: ").append(64L << 20).append("\r\n\r\n");
    String answer;
    try (Socket s = new Socket("127.0.0.1", node.node.server().port())) {
      OutputStream out = s.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
      out.write("GARBAGE!".repeat(1024).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      answer = new String(s.getInputStream().readNBytes(4096), StandardCharsets.UTF_8);
    }
    assertThat(answer).startsWith("HTTP/1.1 400").contains("not a SQLite database");
    try (Stream<Path> files = Files.list(node.dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.startsWith(".import-"));
    }
    assertThat(node.store.db("x.db")).isEmpty();
  }

  /** Sends raw bytes; returns the answer, empty when the server closed without one. */
  private String raw(String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", node.node.server().port())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      try {
        return new String(in.readNBytes(512), StandardCharsets.UTF_8);
      } catch (java.net.SocketException e) {
        return "";
      }
    }
  }
}

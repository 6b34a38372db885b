package dev.replicafs.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bodies and streams through the proxy: a 10 MB upload and a large download forwarded to the
 * primary, WebSocket echo and server-sent events both locally and forwarded (paths under {@code
 * /primary/} are {@code always-forward}).
 */
class StreamingTest {

  static final int UPLOAD = 10 * 1024 * 1024;

  @TempDir Path dir;
  ProxyCluster cluster;

  @BeforeEach
  void start() throws Exception {
    cluster = ProxyCluster.start(dir, b -> b.alwaysForward(List.of("/primary/*")));
  }

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  @Test
  void tenMegabyteUploadThroughReplicaArrivesIntact() throws Exception {
    byte[] data = new byte[UPLOAD];
    new Random(7).nextBytes(data);
    String expected =
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)) + " " + UPLOAD;

    HttpResponse<String> fixed =
        Http.send(
            HttpRequest.newBuilder(cluster.replica.url("/upload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(data)));
    HttpResponse<String> chunked =
        Http.send(
            HttpRequest.newBuilder(cluster.replica.url("/upload"))
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(data))));

    assertThat(fixed.statusCode()).isEqualTo(200);
    assertThat(fixed.body()).isEqualTo(expected);
    assertThat(chunked.body()).isEqualTo(expected);
    assertThat(fixed.headers().firstValue("X-App")).hasValue("primary");
    assertThat(cluster.replica.app().requests()).isEmpty();
  }

  @Test
  void largeStreamedResponsesArriveIntactForwardedAndLocal() throws Exception {
    long bytes = 24L * 1024 * 1024 + 123;
    HttpResponse<InputStream> forwarded =
        Http.CLIENT.send(
            HttpRequest.newBuilder(cluster.replica.url("/download?bytes=" + bytes))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(forwarded.headers().firstValue("X-App")).hasValue("primary");
    assertThat(countMatchingPattern(forwarded.body())).isEqualTo(bytes);

    HttpResponse<InputStream> local =
        Http.CLIENT.send(
            HttpRequest.newBuilder(cluster.replica.url("/download?bytes=" + bytes)).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(local.headers().firstValue("X-App")).hasValue("replica");
    assertThat(countMatchingPattern(local.body())).isEqualTo(bytes);
  }

  @Test
  void webSocketEchoWorksLocallyAndForwardedToPrimary() throws Exception {
    assertThat(echo(wsUrl("/ws"), "hi")).isEqualTo("replica:hi");
    assertThat(echo(wsUrl("/primary/ws"), "there")).isEqualTo("primary:there");
  }

  @Test
  void serverSentEventsStreamWithoutBufferingLocallyAndForwarded() throws Exception {
    assertStreams(cluster.replica.url("/events"), cluster.replica.app(), "replica");
    assertStreams(cluster.replica.url("/primary/events"), cluster.primary.app(), "primary");
  }

  /** The second event is only sent after the client saw the first: a buffered proxy hangs. */
  private static void assertStreams(URI uri, TestApp app, String name) throws Exception {
    HttpResponse<InputStream> r =
        Http.CLIENT.send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15)).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/event-stream");
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      assertThat(lines.readLine()).isEqualTo("data: hello from " + name);
      assertThat(lines.readLine()).isEmpty();
      app.releaseSse();
      assertThat(lines.readLine()).isEqualTo("data: bye");
      assertThat(lines.readLine()).isEmpty();
      assertThat(lines.readLine()).isNull();
    }
  }

  private URI wsUrl(String path) {
    return URI.create("ws://127.0.0.1:" + cluster.replica.proxy().port() + path);
  }

  private static String echo(URI uri, String text) throws Exception {
    BlockingQueue<String> received = new LinkedBlockingQueue<>();
    WebSocket ws =
        Http.CLIENT
            .newWebSocketBuilder()
            .buildAsync(
                uri,
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(
                      WebSocket webSocket, CharSequence data, boolean last) {
                    received.add(data.toString());
                    webSocket.request(1);
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    try {
      ws.sendText(text, true).get(10, TimeUnit.SECONDS);
      String reply = received.poll(10, TimeUnit.SECONDS);
      assertThat(reply).as("echo through %s", uri).isNotNull();
      return reply;
    } finally {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    }
  }

  private static long countMatchingPattern(InputStream in) throws Exception {
    try (in) {
      byte[] buf = new byte[64 * 1024];
      long offset = 0;
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        for (int i = 0; i < n; i++) {
          if (buf[i] != TestApp.pattern(offset + i)) {
            throw new AssertionError("byte " + (offset + i) + " differs");
          }
        }
        offset += n;
      }
      return offset;
    }
  }
}

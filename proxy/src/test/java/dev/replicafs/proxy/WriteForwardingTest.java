package dev.replicafs.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteForwardingTest {

  @TempDir Path dir;
  ProxyCluster cluster;

  @BeforeEach
  void start() throws Exception {
    cluster = ProxyCluster.start(dir, b -> b);
  }

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  @Test
  void postToReplicaIsExecutedByPrimaryAppOnly() throws Exception {
    HttpResponse<String> r = Http.post(cluster.replica.url("/rows"), "alice");

    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(r.body()).isEqualTo("inserted by primary");
    assertThat(r.headers().firstValue("X-App")).hasValue("primary");
    assertThat(cluster.primary.app().requests()).containsExactly("POST /rows");
    assertThat(cluster.replica.app().requests()).isEmpty();
    assertThat(r.headers().firstValue("ReplicaFS-TXID")).hasValue("0000000000000001");
    assertThat(r.headers().allValues("Set-Cookie"))
        .anySatisfy(
            c ->
                assertThat(c)
                    .startsWith("__txid=0000000000000001; Path=/; Expires=")
                    .endsWith("GMT; HttpOnly"));
  }

  @Test
  void writeOnPrimaryGoesToLocalAppWithTxidToken() throws Exception {
    Http.post(cluster.primary.url("/rows"), "a");
    HttpResponse<String> r = Http.post(cluster.primary.url("/rows"), "b");

    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(r.headers().firstValue("ReplicaFS-TXID")).hasValue("0000000000000002");
    assertThat(cluster.primary.app().requests()).containsExactly("POST /rows", "POST /rows");
  }

  @Test
  void statusHeadersAndMultiValueHeadersPassThroughWithForwardedFor() throws Exception {
    HttpResponse<String> r =
        Http.send(
            HttpRequest.newBuilder(cluster.replica.url("/headers?status=418"))
                .header("X-Multi-Req", "a")
                .header("X-Multi-Req", "b")
                .POST(HttpRequest.BodyPublishers.noBody()));

    assertThat(r.statusCode()).isEqualTo(418);
    assertThat(r.headers().firstValue("X-App")).hasValue("primary");
    assertThat(r.headers().allValues("X-Multi")).containsExactly("one", "two");
    assertThat(r.headers().allValues("Set-Cookie"))
        .contains("a=1; Path=/", "b=2; Path=/")
        .anySatisfy(c -> assertThat(c).startsWith("__txid="));
    assertThat(r.headers().map()).doesNotContainKeys("keep-alive", "proxy-authenticate");
    assertThat(r.body())
        .contains("x-multi-req: a\n", "x-multi-req: b\n")
        .contains("x-forwarded-for: 127.0.0.1,127.0.0.1\n")
        .contains("x-forwarded-proto: http\n")
        .contains("x-forwarded-host: 127.0.0.1")
        .doesNotContain("replicafs-forwarded");
  }

  @Test
  void hopByHopRequestHeadersAreRemoved() throws Exception {
    String request =
        "POST /headers HTTP/1.1\r\n"
            + "Host: 127.0.0.1\r\n"
            + "Connection: X-Hop\r\n"
            + "X-Hop: secret\r\n"
            + "X-Kept: yes\r\n"
            + "Keep-Alive: 300\r\n"
            + "Proxy-Authorization: Basic eDp5\r\n"
            + "TE: trailers\r\n"
            + "Content-Length: 0\r\n\r\n";
    String response;
    try (Socket s = new Socket("127.0.0.1", cluster.replica.proxy().port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      response = readResponse(s.getInputStream());
    }

    assertThat(response).startsWith("HTTP/1.1 200").contains("x-kept: yes\n");
    String body = response.substring(response.indexOf("\r\n\r\n"));
    assertThat(body)
        .doesNotContain("x-hop")
        .doesNotContain("keep-alive: 300")
        .doesNotContain("proxy-authorization")
        .doesNotContain("te: trailers");
  }

  @Test
  void expectContinueUploadIsForwardedToThePrimary() throws Exception {
    String head =
        "POST /rows HTTP/1.1\r\n"
            + "Host: 127.0.0.1\r\n"
            + "Expect: 100-continue\r\n"
            + "Content-Length: 4\r\n\r\n";
    try (Socket s = new Socket("127.0.0.1", cluster.replica.proxy().port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      assertThat(readResponse(in)).startsWith("HTTP/1.1 100");
      out.write("erin".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String response = readResponse(in);

      assertThat(response).startsWith("HTTP/1.1 201").endsWith("inserted by primary");
    }
    assertThat(cluster.primary.app().requests()).containsExactly("POST /rows");
  }

  @Test
  void cleartextHttp2UpgradeIsDeclinedAndTheRequestServedOverHttp1() throws Exception {
    String request =
        "POST /headers HTTP/1.1\r\n"
            + "Host: 127.0.0.1\r\n"
            + "Connection: Upgrade, HTTP2-Settings\r\n"
            + "Upgrade: h2c\r\n"
            + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n"
            + "Content-Length: 0\r\n\r\n";
    try (Socket s = new Socket("127.0.0.1", cluster.replica.proxy().port())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      String response = readResponse(s.getInputStream());

      assertThat(response).startsWith("HTTP/1.1 200");
      assertThat(response.substring(response.indexOf("\r\n\r\n")))
          .doesNotContain("upgrade")
          .doesNotContain("http2-settings");
    }
  }

  @Test
  void forwardedRequestIsNeverForwardedAgain() throws Exception {
    cluster
        .primary
        .view()
        .setLeadership(
            new Leadership.Remote(new PrimaryInfo("replica-host", cluster.replica.baseUrl())));

    HttpResponse<String> r = Http.post(cluster.replica.url("/rows"), "loop");

    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).contains("not the primary").contains("not forwarding it again");
    assertThat(cluster.primary.app().requests()).isEmpty();
    assertThat(cluster.replica.app().requests()).isEmpty();
  }

  @Test
  void forwardedRequestIsServedOnceThisNodeBecomesPrimary() throws Exception {
    CompletableFuture<HttpResponse<String>> pending =
        Async.run(
            () -> Http.post(cluster.replica.url("/rows"), "late", "ReplicaFS-Forwarded", "other"));
    Poll.until("request parked on leadership", () -> cluster.replica.view().pendingWaiters() == 1);
    cluster.replica.view().setLeadership(Leadership.LOCAL);

    HttpResponse<String> r = pending.get(10, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(r.body()).isEqualTo("inserted by replica");
  }

  /** Reads one HTTP/1.1 response with a Content-Length from a raw socket. */
  static String readResponse(InputStream in) throws java.io.IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new java.io.EOFException("connection closed in headers: " + head);
      }
      head.append((char) c);
    }
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }
}

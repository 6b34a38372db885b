package dev.replicafs.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code idle-timeout} and {@code read-header-timeout} act on real client connections. */
class ServerTimeoutsTest {

  @TempDir Path dir;

  @Test
  void idleKeepAliveConnectionIsClosedAfterIdleTimeout() throws Exception {
    try (ProxyCluster c = ProxyCluster.start(dir, b -> b.idleTimeout(Duration.ofMillis(300)))) {
      try (Socket s = new Socket("127.0.0.1", c.replica.proxy().port())) {
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        out.write("GET /rows HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        assertThat(WriteForwardingTest.readResponse(in)).startsWith("HTTP/1.1 200");

        long start = System.nanoTime();
        assertThat(in.read()).as("server closes the idle connection").isEqualTo(-1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(9));
      }
    }
  }

  @Test
  void connectionThatNeverFinishesItsHeadersIsClosedAfterReadHeaderTimeout() throws Exception {
    try (ProxyCluster c =
        ProxyCluster.start(dir, b -> b.readHeaderTimeout(Duration.ofMillis(300)))) {
      try (Socket s = new Socket("127.0.0.1", c.replica.proxy().port())) {
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        out.write("GET /rows HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();

        assertThat(s.getInputStream().read()).as("server gives up on the headers").isEqualTo(-1);
      }
      assertThat(c.replica.app().requests()).isEmpty();
    }
  }
}

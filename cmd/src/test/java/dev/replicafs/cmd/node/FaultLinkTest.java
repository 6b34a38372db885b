package dev.replicafs.cmd.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fault link over real loopback sockets, against an echo server. */
class FaultLinkTest {
  private ServerSocket echo;
  private FaultLink link;

  @BeforeEach
  void start() throws IOException {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t =
        new Thread(
            () -> {
              while (!echo.isClosed()) {
                try {
                  Socket s = echo.accept();
                  Thread e =
                      new Thread(
                          () -> {
                            try (s) {
                              s.getInputStream().transferTo(s.getOutputStream());
                            } catch (IOException ignored) {
                              // peer reset
                            }
                          },
                          "echo");
                  e.setDaemon(true);
                  e.start();
                } catch (IOException e) {
                  return;
                }
              }
            },
            "echo-accept");
    t.setDaemon(true);
    t.start();
    link =
        FaultLink.start(
            "test",
            new InetSocketAddress("127.1.9.9", 0),
            new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.getLocalPort()));
  }

  @AfterEach
  void stop() throws IOException {
    link.close();
    echo.close();
  }

  @Test
  void forwardsResetsOnCutRefusesWhileCutAndForwardsAgainAfterHeal() throws Exception {
    try (Socket s = connect()) {
      assertThat(roundTrip(s, "hello")).isEqualTo("hello");
      link.cut();
      assertThat(link.state()).isEqualTo(FaultLink.State.CUT);
      assertThatThrownBy(() -> roundTrip(s, "lost")).isInstanceOf(IOException.class);
    }
    assertThatThrownBy(this::connect).isInstanceOf(ConnectException.class);
    link.heal();
    try (Socket s = connect()) {
      assertThat(roundTrip(s, "again")).isEqualTo("again");
    }
  }

  @Test
  void aSlowLinkStillDeliversEveryByteInOrder() throws Exception {
    link.delay(1, 5);
    assertThat(link.toString()).isEqualTo("test=SLOW1-5ms");
    try (Socket s = connect()) {
      for (int i = 0; i < 20; i++) {
        assertThat(roundTrip(s, "chunk-" + i)).isEqualTo("chunk-" + i);
      }
    }
    link.heal();
    assertThat(link.state()).isEqualTo(FaultLink.State.OPEN);
  }

  private Socket connect() throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.1.9.9", link.port()), 2_000);
    s.setSoTimeout(10_000);
    return s;
  }

  private static String roundTrip(Socket s, String text) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(text.getBytes());
    out.flush();
    InputStream in = s.getInputStream();
    byte[] got = in.readNBytes(text.length());
    if (got.length < text.length()) {
      throw new IOException("connection ended after " + got.length + " bytes");
    }
    return new String(got);
  }
}

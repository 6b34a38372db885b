package dev.replicafs.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class ProxyServerLifecycleTest {

  private static ProxyConfig config(String addr) {
    return ProxyConfig.builder(addr, "127.0.0.1:9", "app.db").build();
  }

  @Test
  void bindsAnEphemeralPortWithNamedThreadsAndClosesIdempotently() throws Exception {
    ProxyServer proxy =
        ProxyServer.start(config("127.0.0.1:0"), new FakeClusterView(Leadership.LOCAL));
    int port = proxy.port();
    assertThat(port).isPositive();
    assertThat(proxy.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
    assertThat(Thread.getAllStackTraces().keySet())
        .anySatisfy(t -> assertThat(t.getName()).startsWith("replicafs-proxy I/O"));
    try (Socket s = new Socket("127.0.0.1", port)) {
      assertThat(s.isConnected()).isTrue();
    }

    proxy.close();
    proxy.close();

    assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
        .isInstanceOf(ConnectException.class);
    Poll.until(
        "proxy threads gone",
        () ->
            Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("replicafs-proxy")));
  }

  @Test
  void addressInUseFailsWithTheConfigKey() throws IOException {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", 0));
      String addr = "127.0.0.1:" + taken.getLocalPort();

      assertThatThrownBy(
              () -> ProxyServer.start(config(addr), new FakeClusterView(Leadership.LOCAL)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("proxy.addr=" + addr);
    }
  }
}

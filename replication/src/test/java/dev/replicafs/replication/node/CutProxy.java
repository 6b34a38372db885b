package dev.replicafs.replication.node;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback that a test can cut: {@link #cutAfter(long)} drops the next connection
 * after that many response bytes (mid-frame), {@link #cutAll()} drops every open connection.
 */
final class CutProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int target;
  private final CopyOnWriteArrayList<Socket> open = new CopyOnWriteArrayList<>();
  private final AtomicLong cutAfter = new AtomicLong(-1);
  private final AtomicLong cuts = new AtomicLong();

  CutProxy(int target) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.target = target;
    Thread t = new Thread(this::serve, "cut-proxy");
    t.setDaemon(true);
    t.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /** The next connection's response is cut after {@code bytes} bytes. */
  void cutAfter(long bytes) {
    cutAfter.set(bytes);
  }

  /** How many connections were cut so far. */
  long cuts() {
    return cuts.get();
  }

  void cutAll() throws IOException {
    for (Socket s : open) {
      s.close();
    }
    cuts.incrementAndGet();
  }

  private void serve() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
        open.add(client);
        open.add(upstream);
        long limit = cutAfter.getAndSet(-1);
        pump(client.getInputStream(), upstream.getOutputStream(), -1, client, upstream);
        pump(upstream.getInputStream(), client.getOutputStream(), limit, client, upstream);
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(InputStream in, OutputStream out, long limit, Socket a, Socket b) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[8192];
              long total = 0;
              try {
                int n;
                while ((n = in.read(buf)) != -1) {
                  if (limit >= 0 && total + n >= limit) {
                    out.write(buf, 0, (int) (limit - total));
                    out.flush();
                    cuts.incrementAndGet();
                    break;
                  }
                  out.write(buf, 0, n);
                  out.flush();
                  total += n;
                }
              } catch (IOException e) {
                // a side closed
              }
              close(a);
              close(b);
            },
            "cut-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : open) {
      s.close();
    }
  }
}

package dev.replicafs.replication.node;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hostile or broken peer on loopback: answers every {@code POST /stream} with status 200, the
 * given headers and the given body bytes, then either closes or stalls. Counts connections so a
 * test sees the replica reconnect.
 */
final class FakePrimary implements AutoCloseable {
  private final ServerSocket server;
  private final byte[] body;
  private final String extraHeaders;
  private final boolean stall;
  private final AtomicInteger connections = new AtomicInteger();
  private final CopyOnWriteArrayList<Socket> open = new CopyOnWriteArrayList<>();
  private final Thread thread;

  FakePrimary(byte[] body, String extraHeaders, boolean stall) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.body = body;
    this.extraHeaders = extraHeaders;
    this.stall = stall;
    this.thread = new Thread(this::serve, "fake-primary");
    thread.setDaemon(true);
    thread.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  int connections() {
    return connections.get();
  }

  private void serve() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        open.add(s);
        connections.incrementAndGet();
        Thread t = new Thread(() -> answer(s), "fake-primary-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void answer(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      int length = readHeaders(in);
      in.readNBytes(length);
      OutputStream out = s.getOutputStream();
      out.write(
          ("HTTP/1.1 200 OK\r\nContent-Type: application/vnd.replicafs.stream\r\n"
                  + extraHeaders
                  + "Connection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      if (stall) {
        in.read();
      }
    } catch (IOException e) {
      // the replica hung up: expected
    }
  }

  private static int readHeaders(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int length = 0;
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        String l = line.toString(StandardCharsets.US_ASCII).strip();
        line.reset();
        if (l.isEmpty()) {
          return length;
        }
        if (l.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
          length = Integer.parseInt(l.substring(15).strip());
        }
      } else {
        line.write(b);
      }
    }
    return length;
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : open) {
      s.close();
    }
  }
}

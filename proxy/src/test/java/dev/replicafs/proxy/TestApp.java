package dev.replicafs.proxy;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.server.handlers.HttpContinueReadHandler;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.xnio.Options;

/**
 * A small real app behind a proxy: SQLite (sqlite-jdbc) on a temp file, and endpoints for rows,
 * uploads, large downloads, header echo, a WebSocket echo and a server-sent event stream. Every
 * request is recorded so a test can tell which node's app executed it. Like most app servers it
 * answers {@code Expect: 100-continue} when it starts reading the body.
 */
final class TestApp implements AutoCloseable {

  private final String name;
  private final Connection db;
  private final LongConsumer onCommit;
  private final ConcurrentLinkedQueue<String> requests = new ConcurrentLinkedQueue<>();
  private final Semaphore sseGate = new Semaphore(0);
  private final int port;
  private Undertow server;

  /** Opens the database; the server starts with {@link #start()} on {@code port} (0: any). */
  TestApp(String name, Path dbFile, int port, LongConsumer onCommit) throws SQLException {
    this.name = name;
    this.port = port;
    this.onCommit = onCommit;
    this.db = DriverManager.getConnection("jdbc:sqlite:" + dbFile);
    try (Statement s = db.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, value TEXT NOT NULL)");
    }
  }

  TestApp start() {
    server =
        Undertow.builder()
            .addHttpListener(port, "127.0.0.1")
            .setWorkerOption(Options.WORKER_NAME, "test-app-" + name)
            .setHandler(new HttpContinueReadHandler(this::route))
            .build();
    server.start();
    return this;
  }

  int port() {
    return ((java.net.InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
  }

  String name() {
    return name;
  }

  /** "METHOD /path" of every request this app received, in order. */
  List<String> requests() {
    return new ArrayList<>(requests);
  }

  /** Writes a row as replication would: straight into the database, no commit hook. */
  synchronized void applyReplicated(String value) throws SQLException {
    try (var ps = db.prepareStatement("INSERT INTO rows (value) VALUES (?)")) {
      ps.setString(1, value);
      ps.executeUpdate();
    }
  }

  /** Lets the SSE stream send its second event. */
  void releaseSse() {
    sseGate.release();
  }

  /** Dispatches on the last path segment, so {@code /primary/ws} is the WebSocket too. */
  private void route(HttpServerExchange ex) throws Exception {
    requests.add(ex.getRequestMethod() + " " + ex.getRequestPath());
    ex.getResponseHeaders().put(new HttpString("X-App"), name);
    String path = ex.getRequestPath();
    switch (path.substring(path.lastIndexOf('/'))) {
      case "/ws" -> websocket().handleRequest(ex);
      case "/rows" -> blocking(ex, this::rows);
      case "/upload" -> blocking(ex, TestApp::upload);
      case "/download" -> blocking(ex, TestApp::download);
      case "/headers" -> blocking(ex, TestApp::headers);
      case "/events" -> blocking(ex, this::events);
      default -> {
        ex.setStatusCode(200);
        ex.getResponseSender().send(name + " " + ex.getRequestMethod() + " " + ex.getRequestPath());
      }
    }
  }

  private static void blocking(HttpServerExchange ex, HttpHandler h) throws Exception {
    new BlockingHandler(h).handleRequest(ex);
  }

  private synchronized void rows(HttpServerExchange ex) throws Exception {
    if (ex.getRequestMethod().equalToString("POST")) {
      String value = new String(ex.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      try (Statement s = db.createStatement()) {
        s.executeUpdate("INSERT INTO rows (value) VALUES ('" + value.replace("'", "''") + "')");
        try (ResultSet rs = s.executeQuery("SELECT last_insert_rowid()")) {
          rs.next();
          onCommit.accept(rs.getLong(1));
        }
      }
      ex.setStatusCode(201);
      ex.getResponseSender().send("inserted by " + name);
      return;
    }
    StringBuilder out = new StringBuilder();
    try (Statement s = db.createStatement();
        ResultSet rs = s.executeQuery("SELECT value FROM rows ORDER BY id")) {
      while (rs.next()) {
        out.append(rs.getString(1)).append('\n');
      }
    }
    ex.getResponseSender().send(out.toString());
  }

  private static void upload(HttpServerExchange ex) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    long length = 0;
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = ex.getInputStream()) {
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        sha.update(buf, 0, n);
        length += n;
      }
    }
    ex.getResponseSender().send(HexFormat.of().formatHex(sha.digest()) + " " + length);
  }

  /** Streams {@code bytes} of {@link #pattern} in 64 KiB writes, without a Content-Length. */
  private static void download(HttpServerExchange ex) throws Exception {
    long bytes = Long.parseLong(ex.getQueryParameters().get("bytes").getFirst());
    byte[] buf = new byte[64 * 1024];
    try (OutputStream out = ex.getOutputStream()) {
      for (long sent = 0; sent < bytes; ) {
        int n = (int) Math.min(buf.length, bytes - sent);
        for (int i = 0; i < n; i++) {
          buf[i] = pattern(sent + i);
        }
        out.write(buf, 0, n);
        sent += n;
      }
    }
  }

  static byte pattern(long i) {
    return (byte) ((i * 31 + (i >>> 13)) & 0xff);
  }

  /** Echoes the request headers; answers with ?status= and multi-value response headers. */
  private static void headers(HttpServerExchange ex) {
    Deque<String> status = ex.getQueryParameters().get("status");
    ex.setStatusCode(status == null ? 200 : Integer.parseInt(status.getFirst()));
    TreeMap<String, List<String>> sorted = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (HeaderValues values : ex.getRequestHeaders()) {
      sorted.put(values.getHeaderName().toString(), new ArrayList<>(values));
    }
    StringBuilder out = new StringBuilder();
    sorted.forEach(
        (k, v) -> v.forEach(x -> out.append(k.toLowerCase()).append(": ").append(x).append('\n')));
    ex.getResponseHeaders().add(new HttpString("X-Multi"), "one");
    ex.getResponseHeaders().add(new HttpString("X-Multi"), "two");
    ex.getResponseHeaders().add(Headers.SET_COOKIE, "a=1; Path=/");
    ex.getResponseHeaders().add(Headers.SET_COOKIE, "b=2; Path=/");
    ex.getResponseHeaders().put(new HttpString("Keep-Alive"), "timeout=5");
    ex.getResponseHeaders().put(new HttpString("Proxy-Authenticate"), "Basic realm=x");
    ex.getResponseSender().send(out.toString());
  }

  /** Sends one event, waits for the test to release the gate, sends a second and ends. */
  private void events(HttpServerExchange ex) throws Exception {
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/event-stream");
    try (OutputStream out = ex.getOutputStream()) {
      out.write(("data: hello from " + name + "\n\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      if (!sseGate.tryAcquire(20, TimeUnit.SECONDS)) {
        out.write("data: gate timeout\n\n".getBytes(StandardCharsets.UTF_8));
        return;
      }
      out.write("data: bye\n\n".getBytes(StandardCharsets.UTF_8));
    }
  }

  private HttpHandler websocket() {
    return Handlers.websocket(
        (exchange, channel) -> {
          channel
              .getReceiveSetter()
              .set(
                  new AbstractReceiveListener() {
                    @Override
                    protected void onFullTextMessage(
                        WebSocketChannel ch, BufferedTextMessage message) {
                      WebSockets.sendText(name + ":" + message.getData(), ch, null);
                    }
                  });
          channel.resumeReceives();
        });
  }

  @Override
  public void close() throws SQLException {
    if (server != null) {
      server.stop();
      server = null;
    }
    db.close();
  }
}

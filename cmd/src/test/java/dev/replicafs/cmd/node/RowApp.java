package dev.replicafs.cmd.node;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The application behind one node's proxy: {@code POST /rows} inserts a row into table {@code t} of
 * a database on that node's mount (a fresh sqlite-jdbc connection per request, as a stateless app
 * would) and answers {@code 200 <node>}, or {@code 500 <SQLite message>}; every answer carries
 * {@code X-Node}. Reads are not needed by the tests that use it.
 */
final class RowApp implements AutoCloseable {
  private final String node;
  private final Path db;
  private final HttpServer server;
  private final ExecutorService pool;

  RowApp(String node, Path db) throws IOException {
    this.node = node;
    this.db = db;
    AtomicInteger n = new AtomicInteger();
    pool = Executors.newFixedThreadPool(2, r -> new Thread(r, "row-app-" + node + "-" + n.get()));
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.setExecutor(pool);
    server.createContext("/rows", this::rows);
    server.start();
  }

  /** {@code 127.0.0.1:<port>}, for {@code proxy.target}. */
  String target() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  private void rows(HttpExchange ex) throws IOException {
    int status = 200;
    String body = node;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout=10000");
      s.execute("INSERT INTO t (v) VALUES ('" + node + "')");
    } catch (SQLException e) {
      status = 500;
      body = e.getMessage();
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("X-Node", node);
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}

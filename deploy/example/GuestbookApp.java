import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;

/**
 * The example application of the ReplicaFS deployment files: a guestbook kept in a plain SQLite
 * database on the ReplicaFS mount, served over HTTP behind the ReplicaFS proxy. It knows nothing
 * about replication: writes (POST) reach the primary through the proxy, reads are served locally.
 *
 * <p>GET / lists the entry count and the latest entries; POST / with a text body adds an entry;
 * GET /healthz answers ok. Environment: DB_PATH (default /litefs/guestbook.db), PORT (8081).
 * Runs with sqlite-jdbc on the class path (replicafs.jar contains it).
 */
public final class GuestbookApp {
  private final String url;

  private GuestbookApp(String dbPath) {
    this.url = "jdbc:sqlite:" + dbPath;
  }

  public static void main(String[] args) throws Exception {
    String db = System.getenv().getOrDefault("DB_PATH", "/litefs/guestbook.db");
    int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8081"));
    GuestbookApp app = new GuestbookApp(db);
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 64);
    server.createContext("/healthz", ex -> reply(ex, 200, "ok\n"));
    server.createContext("/", app::handle);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.start();
    System.err.println("guestbook listening port=" + port + " db=" + db);
  }

  private Connection open() throws SQLException {
    Connection c = DriverManager.getConnection(url);
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout = 5000");
    }
    return c;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (Connection c = open()) {
      if (ex.getRequestMethod().equals("POST")) {
        String text = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        try (Statement s = c.createStatement()) {
          s.execute(
              "CREATE TABLE IF NOT EXISTS entries (id INTEGER PRIMARY KEY, host TEXT, text TEXT,"
                  + " at TEXT DEFAULT CURRENT_TIMESTAMP)");
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO entries (host, text) VALUES (?, ?)")) {
          p.setString(1, InetAddress.getLocalHost().getHostName());
          p.setString(2, text.strip());
          p.executeUpdate();
        }
        reply(ex, 201, "added\n");
        return;
      }
      StringBuilder out = new StringBuilder();
      try (Statement s = c.createStatement()) {
        ResultSet exists =
            s.executeQuery("SELECT count(*) FROM sqlite_master WHERE name = 'entries'");
        if (!exists.next() || exists.getInt(1) == 0) {
          reply(ex, 200, "entries: 0\n");
          return;
        }
        ResultSet count = s.executeQuery("SELECT count(*) FROM entries");
        count.next();
        out.append("entries: ").append(count.getInt(1)).append('\n');
        ResultSet rows =
            s.executeQuery("SELECT id, host, text FROM entries ORDER BY id DESC LIMIT 10");
        while (rows.next()) {
          out.append(rows.getLong(1)).append(' ').append(rows.getString(2)).append(": ");
          out.append(rows.getString(3)).append('\n');
        }
      }
      reply(ex, 200, out.toString());
    } catch (SQLException e) {
      reply(ex, 500, "database error: " + e.getMessage() + "\n");
    }
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(bytes);
    }
  }
}

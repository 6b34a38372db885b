package dev.replicafs.cmd.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compiles and runs the deployment example app against a real SQLite file. */
class GuestbookAppTest {
  @TempDir Path dir;

  @Test
  void exampleAppWritesAndReadsItsSqliteDatabase() throws Exception {
    Path classes = dir.resolve("classes");
    int compiled =
        ToolProvider.getSystemJavaCompiler()
            .run(
                null,
                null,
                null,
                "--release",
                "17",
                "-d",
                classes.toString(),
                RepoFiles.deploy("example/GuestbookApp.java").toString());
    assertThat(compiled).isZero();
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path db = dir.resolve("guestbook.db");
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path") + ":" + classes,
            "GuestbookApp");
    pb.environment().put("DB_PATH", db.toString());
    pb.environment().put("PORT", Integer.toString(port));
    pb.redirectErrorStream(true).redirectOutput(dir.resolve("app.log").toFile());
    Process app = pb.start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      URI base = URI.create("http://127.0.0.1:" + port + "/");
      awaitHealthy(http, base.resolve("healthz"));
      assertThat(get(http, base)).isEqualTo("entries: 0\n");
      for (String text : List.of("first", "second")) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(base)
                    .POST(HttpRequest.BodyPublishers.ofString(text))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(201);
      }
      assertThat(get(http, base)).startsWith("entries: 2\n").contains(": second\n");
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
          ResultSet rs =
              c.createStatement().executeQuery("SELECT group_concat(text) FROM entries")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("first,second");
      }
    } finally {
      app.destroy();
      app.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String get(HttpClient http, URI uri) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static void awaitHealthy(HttpClient http, URI health) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (true) {
      try {
        if (http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()
            == 200) {
          return;
        }
      } catch (java.io.IOException e) {
        if (Instant.now().isAfter(deadline)) {
          throw e;
        }
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }
}

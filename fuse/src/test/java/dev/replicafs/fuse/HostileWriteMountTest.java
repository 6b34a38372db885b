package dev.replicafs.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Non-SQLite writes over a database in a real mount, in every journal mode: {@code cp} of a text
 * file, {@code dd} of garbage over page 1 without truncating, a 100-byte garbage header write, and
 * a truncation to a partial page. Each fails with EIO; afterwards the database, its position and
 * its LTX files are exactly as before, SQLite finds it intact, and it still takes writes.
 */
class HostileWriteMountTest {
  @TempDir Path tmp;

  @BeforeEach
  void prerequisites() {
    FuseSupport.requireFuse();
  }

  @ParameterizedTest
  @EnumSource(JournalMode.class)
  void nonSqliteWritesOverADatabaseFailAndChangeNothing(JournalMode mode) throws Exception {
    try (NodeProcess m = NodeProcess.start(tmp, true)) {
      try (Connection c = m.connect("app.db");
          Statement s = c.createStatement()) {
        s.execute(mode.pragma());
        s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
        for (int i = 0; i < 20; i++) {
          s.execute("INSERT INTO t(v) VALUES (hex(randomblob(200)))");
        }
      }
      String pos = Files.readString(m.file("app.db-pos"));
      List<Path> ltx = m.ltxFiles("app.db");
      Path stored = m.dataDir.resolve("dbs/app.db/database");
      String digest = sha256(stored);

      Path text = Files.writeString(tmp.resolve("notes.txt"), "these are not pages\n".repeat(500));
      Path garbage = tmp.resolve("garbage.bin");
      byte[] junk = new byte[8192];
      new Random(5).nextBytes(junk);
      Files.write(garbage, junk);

      Result cp = run("cp", text.toString(), m.file("app.db").toString());
      assertThat(cp.exit).as(cp.output).isNotZero();
      assertThat(cp.output).contains("Input/output error");
      Result dd =
          run(
              "dd",
              "if=" + garbage,
              "of=" + m.file("app.db"),
              "bs=4096",
              "count=1",
              "conv=notrunc");
      assertThat(dd.exit).as(dd.output).isNotZero();
      assertThat(dd.output).contains("Input/output error");
      try (FileChannel ch = FileChannel.open(m.file("app.db"), StandardOpenOption.WRITE)) {
        assertThatThrownBy(() -> ch.write(ByteBuffer.wrap(junk, 0, 100), 0))
            .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> ch.write(ByteBuffer.wrap(junk, 0, 16), 40))
            .as("a write inside the header")
            .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> ch.truncate(4096 + 17)).isInstanceOf(IOException.class);
      }

      assertThat(Files.readString(m.file("app.db-pos"))).isEqualTo(pos);
      assertThat(m.ltxFiles("app.db")).isEqualTo(ltx);
      assertThat(sha256(stored)).isEqualTo(digest);
      assertThat(sha256(m.file("app.db"))).isEqualTo(digest);
      try (Connection c = m.connect("app.db");
          Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
          assertThat(rs.getString(1)).isEqualTo("ok");
        }
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
          assertThat(rs.getInt(1)).isEqualTo(20);
        }
        s.execute("INSERT INTO t(v) VALUES ('still writable')");
      }
      assertThat(m.ltxFiles("app.db")).hasSize(ltx.size() + 1);
    }
  }

  private record Result(int exit, String output) {}

  private static Result run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
    return new Result(p.exitValue(), output);
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}

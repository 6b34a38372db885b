package dev.replicafs.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MountTest {
  @TempDir Path tmp;

  @BeforeEach
  void prerequisites() {
    FuseSupport.requireFuse();
  }

  @ParameterizedTest
  @EnumSource(JournalMode.class)
  void sqliteWritesAndReadsThroughTheMount(JournalMode mode) throws Exception {
    try (NodeProcess m = NodeProcess.start(tmp, true)) {
      try (Connection c = m.connect("app.db");
          Statement s = c.createStatement()) {
        s.execute(mode.pragma());
        s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
        for (int i = 0; i < 50; i++) {
          s.execute("INSERT INTO t(v) VALUES (hex(randomblob(300)))");
        }
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
          assertThat(rs.getInt(1)).isEqualTo(50);
        }
        try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
          assertThat(rs.getString(1)).isEqualTo("ok");
        }
      }
      assertThat(Files.size(m.dataDir.resolve("dbs/app.db/database")))
          .isEqualTo(Files.size(m.file("app.db")));
    }
  }

  @Test
  void listsFilesInLiteFsOrder() throws Exception {
    try (NodeProcess m = NodeProcess.start(tmp, true)) {
      for (String db : List.of("b.db", "a.db")) {
        try (Connection c = m.connect(db);
            Statement s = c.createStatement()) {
          s.execute("CREATE TABLE t(x)");
        }
      }
      try (Connection c = m.connect("empty.db")) {
        assertThat(c.isValid(1)).isTrue();
      }
      try (Stream<Path> files = Files.list(m.mountPoint)) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .containsExactly(".lag", "a.db", "a.db-pos", "b.db", "b.db-pos");
      }
    }
  }

  @Test
  void virtualFilesShowPositionLagAndPrimary() throws Exception {
    try (NodeProcess m = NodeProcess.start(tmp, true)) {
      try (Connection c = m.connect("app.db");
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE t(x)");
      }
      assertThat(Files.readString(m.file("app.db-pos"))).matches("0000000000000001/[0-9a-f]{16}\n");
      assertThat(Files.size(m.file("app.db-pos"))).isEqualTo(34);
      assertThat(Files.readString(m.file(".lag"))).isEqualTo("+000000000\n");
      assertThat(Files.exists(m.file(".primary"))).isFalse();
      assertThat(Files.readAllBytes(m.file("app.db-lock"))).isEmpty();
      assertThat(mode(m.file("app.db-lock"))).isEqualTo("r--r--r--");
      assertThat(mode(m.file("app.db"))).isEqualTo("rw-rw-rw-");

      m.command("primary false");
      m.command("host node-a");
      m.command("lag 42");
      assertThat(Files.readString(m.file(".primary"))).isEqualTo("node-a\n");
      assertThat(mode(m.file("app.db"))).isEqualTo("r--r--r--");
      assertThat(mode(m.mountPoint)).isEqualTo("r-xr-xr-x");
      assertThat(Files.readString(m.file(".lag"))).isEqualTo("+000000042\n");
      m.command("lag -");
      assertThat(Files.readString(m.file(".lag"))).isEqualTo("+2147483647\n");
    }
  }

  @Test
  void unsupportedOperationsFailWithClearErrors() throws Exception {
    try (NodeProcess m = NodeProcess.start(tmp, true)) {
      try (Connection c = m.connect("app.db");
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE t(x)");
      }
      assertThatThrownBy(() -> Files.createDirectory(m.file("dir")))
          .isInstanceOf(FileSystemException.class)
          .hasMessageContaining("Operation not permitted");
      assertThatThrownBy(() -> Files.move(m.file("app.db"), m.file("other.db")))
          .isInstanceOf(FileSystemException.class)
          .hasMessageContaining("Operation not permitted");
      assertThatThrownBy(() -> Files.createLink(m.file("x.db"), m.file("app.db")))
          .isInstanceOf(FileSystemException.class);
      assertThatThrownBy(() -> Files.writeString(m.file("app.db-pos"), "x"))
          .isInstanceOf(IOException.class);
      assertThatThrownBy(() -> Files.createFile(m.file("foo-pos"))).isInstanceOf(IOException.class);
      assertThatThrownBy(() -> Files.readAllBytes(m.file("missing.db")))
          .isInstanceOf(java.nio.file.NoSuchFileException.class);
      assertThat(Files.getFileStore(m.mountPoint).getTotalSpace()).isPositive();
      assertThat(MountTable.find(m.mountPoint)).isPresent();
    }
  }

  @Test
  void staleMountOfACrashedProcessIsRemovedBeforeMounting() throws Exception {
    Path mnt = tmp.resolve("mnt");
    Files.createDirectories(mnt);
    NodeProcess stale = NodeProcess.start(tmp.resolve("old-data"), mnt, true, false);
    try {
      stale.kill();
      assertThat(MountTable.find(mnt)).isPresent();
      assertThatThrownBy(() -> Files.list(mnt).close())
          .hasMessageContaining("Transport endpoint is not connected");
      try (NodeProcess m = NodeProcess.start(tmp.resolve("data"), mnt, true, true)) {
        try (Connection c = m.connect("app.db");
            Statement s = c.createStatement()) {
          s.execute("CREATE TABLE t(x)");
        }
        assertThat(Files.exists(m.file("app.db-pos"))).isTrue();
      }
      assertThat(MountTable.find(mnt)).isEmpty();
    } finally {
      stale.close();
    }
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}

package dev.replicafs.replication.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.replication.ltx.DatabaseFileChecksum;
import dev.replicafs.replication.ltx.LtxDecoder;
import dev.replicafs.replication.ltx.LtxFileName;
import dev.replicafs.replication.ltx.LtxHeader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Shared helpers for the store tests: opening stores, replaying LTX chains, SQLite checks. */
final class StoreTesting {
  private StoreTesting() {}

  static Store open(Path dir, boolean primary) throws IOException {
    return open(dir, primary, DiskFileOps.INSTANCE);
  }

  static Store open(Path dir, boolean primary, FileOps ops) throws IOException {
    return builder(dir, primary, ops).open();
  }

  /** The builder {@link #open} uses, for tests that change one more collaborator. */
  static Store.Builder builder(Path dir, boolean primary, FileOps ops) {
    return Store.builder(StoreOptions.defaults(dir).withNodeId(7))
        .fileOps(ops)
        .primary(primary)
        .checksumThreads(2)
        .fatalHandler(
            (db, what, cause) -> {
              throw new AssertionError("fatal: db=" + db + " " + what, cause);
            });
  }

  static byte[] bytes(Path p) throws IOException {
    return Files.exists(p) ? Files.readAllBytes(p) : new byte[0];
  }

  /** Damages a file as a torn write could: flips the bits of its middle byte. */
  static void flipMiddleByte(Path file) throws IOException {
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
      f.seek(f.length() / 2);
      int b = f.read();
      f.seek(f.length() / 2);
      f.write(b ^ 0x5a);
    }
  }

  /** Applies every LTX file of {@code source} in order to {@code target}. */
  static void applyAll(Db source, Db target) throws IOException {
    for (LtxFileName n : source.ltxFiles()) {
      try (InputStream in = Files.newInputStream(source.ltxPath(n))) {
        target.apply(in);
      }
      assertThat(target.pos().txid()).isEqualTo(n.maxTxid());
    }
  }

  static LtxHeader header(Path ltx) throws IOException {
    try (InputStream in = Files.newInputStream(ltx)) {
      return LtxDecoder.open(in).header();
    }
  }

  /** The rolling checksum of a database file computed from scratch by the ltx package. */
  static long checksumFromScratch(Path db) throws IOException {
    if (!Files.exists(db) || Files.size(db) == 0) {
      return dev.replicafs.replication.ltx.DatabaseChecksum.EMPTY;
    }
    return DatabaseFileChecksum.ofSqliteFile(db, null);
  }

  /** {@code PRAGMA integrity_check} on a copy of the database file. */
  static String integrityCheck(Path db, Path scratch) throws IOException, SQLException {
    Files.createDirectories(scratch);
    Path copy = Files.createTempFile(scratch, "check", ".db");
    Files.copy(db, copy, StandardCopyOption.REPLACE_EXISTING);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("PRAGMA integrity_check")) {
      r.next();
      return r.getString(1);
    } finally {
      Files.deleteIfExists(copy);
    }
  }

  static void copyTree(Path from, Path to) throws IOException {
    List<Path> all = new ArrayList<>();
    try (Stream<Path> s = Files.walk(from)) {
      s.forEach(all::add);
    }
    for (Path p : all) {
      Path t = to.resolve(from.relativize(p).toString());
      if (Files.isDirectory(p)) {
        Files.createDirectories(t);
      } else {
        Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }
}

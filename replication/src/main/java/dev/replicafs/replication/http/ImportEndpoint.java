package dev.replicafs.replication.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.replicafs.replication.ltx.LtxEncoder;
import dev.replicafs.replication.ltx.LtxHeader;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.sqlite.DatabaseHeader;
import dev.replicafs.replication.sqlite.SqliteFormatException;
import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.Store;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;

/**
 * {@code POST /import?name=} (primary only): replaces or creates a database with the SQLite file in
 * the body. The body is spooled to a temporary file in the data directory and checked before
 * anything is touched: it must start with a valid SQLite header, be a whole number of pages, and
 * match the header's page count when SQLite marked it valid. It is then recorded as a snapshot LTX
 * file ({@code MinTXID 1}, {@code MaxTXID} = TXID + 1) applied through the store, so the
 * replacement is one transaction that replicas receive like any other change (as a snapshot).
 */
final class ImportEndpoint implements Endpoint.Body {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Store store;
  private final Clock clock;

  ImportEndpoint(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  @Override
  public void handle(HttpServerExchange exchange) throws Exception {
    if (!store.isPrimary()) {
      throw new ApiException(503, "this node is not the primary; import through the primary");
    }
    String name = Params.name(exchange);
    InputStream request = exchange.getInputStream();
    byte[] head = request.readNBytes(DatabaseHeader.SIZE);
    DatabaseHeader first = parseHeader(head);
    Path body = Files.createTempFile(store.dataDir(), ".import-", ".tmp");
    Path ltx = Files.createTempFile(store.dataDir(), ".import-", ".ltx.tmp");
    try {
      spool(head, request, body, first);
      DatabaseHeader header = check(body);
      long pages = Files.size(body) / header.pageSize();
      Db existing = store.db(name).orElse(null);
      long txid = existing == null ? 1 : existing.committedPos().txid() + 1;
      encode(body, ltx, header.pageSize(), pages, txid);
      Db db = existing != null ? existing : store.create(name);
      Pos pos;
      try (InputStream in = Files.newInputStream(ltx)) {
        pos = db.apply(in);
      }
      ObjectNode out = JSON.createObjectNode();
      out.put("name", name);
      out.put("txID", String.format("%016x", pos.txid()));
      out.put("postApplyChecksum", String.format("%016x", pos.postApplyChecksum()));
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
      exchange.getOutputStream().write((out + "\n").getBytes(StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(body);
      Files.deleteIfExists(ltx);
    }
  }

  /** Refuses a body that does not start with a SQLite header before spooling any of it. */
  private static DatabaseHeader parseHeader(byte[] head) throws ApiException {
    if (head.length < DatabaseHeader.SIZE) {
      throw ApiException.badRequest(
          "body is not a SQLite database: "
              + head.length
              + " bytes is shorter than the 100-byte header");
    }
    try {
      return DatabaseHeader.parse(ByteBuffer.wrap(head));
    } catch (SqliteFormatException e) {
      throw ApiException.badRequest("body is not a SQLite database: " + e.getMessage());
    }
  }

  /**
   * Copies the body to {@code file}; when the header's page count is valid the body can be no
   * longer than that many pages, so copying stops (and the import is refused) past that bound.
   */
  private static void spool(byte[] head, InputStream in, Path file, DatabaseHeader h)
      throws IOException, ApiException {
    long bound = h.pageCountValid() ? h.pageCount() * h.pageSize() : Long.MAX_VALUE;
    byte[] buf = new byte[1 << 16];
    long total = head.length;
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(head);
      int n;
      while ((n = in.read(buf)) > 0) {
        total += n;
        if (total > bound) {
          throw ApiException.badRequest(
              "body is not a whole SQLite database: the header says "
                  + h.pageCount()
                  + " pages but the body is longer");
        }
        out.write(buf, 0, n);
      }
    }
  }

  private static DatabaseHeader check(Path file) throws IOException, ApiException {
    long size = Files.size(file);
    ByteBuffer head = ByteBuffer.allocate(DatabaseHeader.SIZE);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      readFully(ch, head, 0);
    }
    if (head.hasRemaining()) {
      throw ApiException.badRequest(
          "body is not a SQLite database: " + size + " bytes is shorter than the 100-byte header");
    }
    head.flip();
    DatabaseHeader h;
    try {
      h = DatabaseHeader.parse(head);
    } catch (SqliteFormatException e) {
      throw ApiException.badRequest("body is not a SQLite database: " + e.getMessage());
    }
    if (size % h.pageSize() != 0) {
      throw ApiException.badRequest(
          "body is not a whole SQLite database: "
              + size
              + " bytes is not a multiple of the page size "
              + h.pageSize());
    }
    if (h.pageCountValid() && h.pageCount() * h.pageSize() != size) {
      throw ApiException.badRequest(
          "body is not a whole SQLite database: the header says "
              + h.pageCount()
              + " pages but the body holds "
              + size / h.pageSize());
    }
    return h;
  }

  private void encode(Path db, Path ltx, int pageSize, long pages, long txid) throws IOException {
    LtxHeader header =
        LtxHeader.builder(pageSize, pages, 1, txid)
            .compressed(store.options().compress())
            .timestamp(clock.millis())
            .nodeId(store.options().nodeId())
            .build();
    long lock = header.lockPgno();
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(ltx), 1 << 16);
        FileChannel in = FileChannel.open(db, StandardOpenOption.READ)) {
      LtxEncoder enc = LtxEncoder.open(out, header);
      ByteBuffer page = ByteBuffer.allocate(pageSize);
      for (long p = 1; p <= pages; p++) {
        if (p == lock) {
          continue;
        }
        page.clear();
        readFully(in, page, (p - 1) * pageSize);
        page.flip();
        enc.writePage(p, page);
      }
      enc.finish();
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer dst, long offset) throws IOException {
    long at = offset;
    int n;
    while (dst.hasRemaining() && (n = ch.read(dst, at)) > 0) {
      at += n;
    }
  }
}

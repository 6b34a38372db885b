package dev.replicafs.replication.http;

import dev.replicafs.replication.ltx.LtxDecoder;
import dev.replicafs.replication.ltx.LtxHeader;
import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.NotFoundException;
import dev.replicafs.replication.store.Store;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code GET /export?name=}: the database file as of one TXID (sent in {@code ReplicaFS-TXID}), on
 * any node. It is produced from the store's streaming snapshot: a named helper thread writes the
 * snapshot LTX into a pipe, this thread decodes it page by page (verifying its checksums) and
 * writes the raw pages, zeros for the lock page. Memory is one page plus the pipe buffer.
 */
final class ExportEndpoint implements Endpoint.Body {
  private static final HttpString TXID = new HttpString(NodeHeaders.TXID);

  private final Store store;

  ExportEndpoint(Store store) {
    this.store = store;
  }

  @Override
  public void handle(HttpServerExchange exchange) throws Exception {
    String name = Params.name(exchange);
    Db db = store.db(name).orElseThrow(() -> new NotFoundException("database not found: " + name));
    if (db.pos().txid() == 0 || db.pageCount() == 0) {
      throw new NotFoundException("database has no committed data: " + name);
    }
    PipedInputStream in = new PipedInputStream(1 << 20);
    PipedOutputStream pipe = new PipedOutputStream(in);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread writer =
        new Thread(
            () -> {
              try (pipe) {
                db.writeSnapshot(pipe);
              } catch (IOException | RuntimeException e) {
                failure.set(e);
              }
            },
            "replicafs-export-" + name);
    writer.setDaemon(true);
    writer.start();
    try (in) {
      LtxDecoder dec;
      try {
        dec = LtxDecoder.open(in);
      } catch (IOException e) {
        writer.join();
        throw failure.get() instanceof IOException io ? io : e;
      }
      LtxHeader h = dec.header();
      exchange.getResponseHeaders().put(TXID, String.format("%016x", h.maxTxid()));
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/vnd.sqlite3");
      exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, h.commit() * h.pageSize());
      OutputStream out = exchange.getOutputStream();
      byte[] page = new byte[h.pageSize()];
      long expected = 1;
      long pgno;
      while ((pgno = dec.nextPage(page)) != 0) {
        for (; expected < pgno; expected++) {
          out.write(new byte[h.pageSize()]);
        }
        out.write(page);
        expected = pgno + 1;
      }
      for (; expected <= h.commit(); expected++) {
        out.write(new byte[h.pageSize()]);
      }
    } finally {
      writer.join();
    }
  }
}

package dev.replicafs.replication.http;

import dev.replicafs.replication.primary.ReplicaSession;
import dev.replicafs.replication.primary.StreamHub;
import dev.replicafs.replication.stream.Ack;
import dev.replicafs.replication.stream.AckCodec;
import dev.replicafs.replication.stream.StreamProtocolException;
import io.undertow.server.HttpServerExchange;
import java.io.BufferedInputStream;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /stream/ack?stream=<id>}: reads a replica's acknowledgement body for as long as it
 * flows and records each {@link Ack} in the stream's {@link ReplicaSession} (docs/PROTOCOL.md,
 * "Acknowledgements"). Garbage is a 400 (the edge in {@link Endpoint} maps the protocol error); a
 * clean end of the body is 200.
 */
final class AckEndpoint implements Endpoint.Body {
  private static final Logger log = LoggerFactory.getLogger(AckEndpoint.class);

  private final StreamHub hub;

  AckEndpoint(StreamHub hub) {
    this.hub = hub;
  }

  @Override
  public void handle(HttpServerExchange exchange) throws Exception {
    String id = Params.single(exchange, "stream");
    if (id == null || !id.matches("[0-9A-F]{16}")) {
      throw ApiException.badRequest("query parameter stream must be 16 uppercase hex digits");
    }
    ReplicaSession session =
        hub.session(id)
            .orElseThrow(
                () -> new ApiException(404, "no open stream " + id + " on this node; reconnect"));
    String peer = exchange.getRequestHeaders().getFirst(NodeHeaders.NODE_ID);
    if (peer == null || !peer.equals(NodeHeaders.nodeId(session.peer()))) {
      throw new ApiException(
          409, "stream " + id + " belongs to node " + NodeHeaders.nodeId(session.peer()));
    }
    AckCodec.Reader reader =
        new AckCodec.Reader(new BufferedInputStream(exchange.getInputStream(), 4096));
    reader.readPreamble();
    int count = 0;
    try {
      for (Ack ack; (ack = reader.next()) != null; ) {
        Params.validName(ack.db());
        session.ack(ack);
        count++;
      }
    } catch (StreamProtocolException e) {
      log.warn("refused acknowledgements: stream={} peer={} reason={}", id, peer, e.getMessage());
      throw e;
    } catch (IOException e) {
      log.info("acknowledgements broke off: stream={} peer={} reason={}", id, peer, e.toString());
      org.xnio.IoUtils.safeClose(exchange.getConnection());
      return;
    }
    log.debug("acknowledgements ended: stream={} peer={} count={}", id, peer, count);
  }
}

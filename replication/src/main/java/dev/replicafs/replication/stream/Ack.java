package dev.replicafs.replication.stream;

import dev.replicafs.replication.ltx.Pos;
import java.util.Objects;

/**
 * One acknowledgement a replica sends its primary on {@code POST /stream/ack} (docs/PROTOCOL.md,
 * "Acknowledgements"): database {@code db} is applied up to {@code applied} and durable up to
 * {@code durable}, which is never ahead of {@code applied}.
 */
public record Ack(String db, Pos applied, Pos durable) {
  /** Validates the name's wire bounds and that durable is not ahead of applied. */
  public Ack {
    WireNames.check(db);
    Objects.requireNonNull(applied, "applied");
    Objects.requireNonNull(durable, "durable");
    if (Long.compareUnsigned(durable.txid(), applied.txid()) > 0) {
      throw new IllegalArgumentException(
          "durable position " + durable + " is ahead of the applied position " + applied);
    }
  }

  /** Applied and durable at the same position (the store fsyncs before apply returns). */
  public static Ack applied(String db, Pos pos) {
    return new Ack(db, pos, pos);
  }
}

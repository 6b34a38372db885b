package dev.replicafs.replication.store;

import java.io.IOException;
import java.nio.file.Path;

/**
 * How a replica's {@link Db} talks to the primary about a halt lock (docs/LOCKS.md, "The halt
 * lock"): the node API client implements it ({@code POST /halt}, {@code POST /tx}, {@code DELETE
 * /halt}). The replication node sets one on the store while it follows a primary ({@link
 * Store#haltRequester}); without one a replica cannot take a halt.
 */
public interface HaltRequester {
  /** Asks the primary to halt writes on {@code db} for this node; answers its position and TTL. */
  HaltGrant acquire(String db, long id) throws IOException;

  /** Sends one complete LTX file written under the halt; returns once the primary applied it. */
  void commit(String db, long id, Path ltxFile) throws IOException;

  /** Releases the halt on the primary. */
  void release(String db, long id) throws IOException;
}

package dev.replicafs.replication.store;

/**
 * Notified on every change of the named position ({@code Db.pos()}), after the LTX file is named
 * and the position advanced, on the thread that made the change (under the database's lock, or on
 * the naming thread for a WAL commit named after the lock release): keep it short (wake a stream
 * subscriber, publish an event, invalidate the {@code -pos} file). It must not call back into the
 * database that changed. An exception is logged and otherwise ignored.
 */
@FunctionalInterface
public interface PositionListener {
  void positionChanged(PositionEvent event);

  /**
   * A WAL commit whose file is named later ({@code Db.committedPos()} advanced, {@code Db.pos()}
   * not yet), on the committing thread under the database's lock. Its named position change
   * follows, possibly as part of a file covering several TXIDs. Same rules as {@link
   * #positionChanged}.
   */
  default void committed(String db, dev.replicafs.replication.ltx.Pos pos) {}
}

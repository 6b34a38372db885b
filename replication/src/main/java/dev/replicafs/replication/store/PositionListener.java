package dev.replicafs.replication.store;

/**
 * Notified on every position change, after the LTX file is durable and the position advanced, on
 * the thread that made the change and under the database's lock: keep it short (wake a stream
 * subscriber, publish an event, invalidate the {@code -pos} file). It must not call back into the
 * database that changed. An exception is logged and otherwise ignored.
 */
@FunctionalInterface
public interface PositionListener {
  void positionChanged(PositionEvent event);
}

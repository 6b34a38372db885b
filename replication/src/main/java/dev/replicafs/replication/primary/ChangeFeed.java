package dev.replicafs.replication.primary;

import dev.replicafs.replication.store.PositionEvent;
import dev.replicafs.replication.store.PositionListener;
import dev.replicafs.replication.store.Store;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * Fans the store's position changes out to every connected subscriber's {@link DirtySet}. One feed
 * per store; it registers itself as a {@link PositionListener} and stays registered until closed.
 * Marking is a set insertion, so a commit never waits for a replica.
 */
public final class ChangeFeed implements PositionListener, AutoCloseable {
  private final Store store;
  private final Set<DirtySet> subscribers = new CopyOnWriteArraySet<>();
  private volatile boolean closed;

  /** Subscribes to {@code store}'s position changes. */
  public ChangeFeed(Store store) {
    this.store = store;
    store.addListener(this);
  }

  /** A new subscription; close it to unsubscribe. */
  public DirtySet subscribe() {
    DirtySet[] self = new DirtySet[1];
    self[0] = new DirtySet(() -> subscribers.remove(self[0]));
    subscribers.add(self[0]);
    if (closed) {
      self[0].close();
    }
    return self[0];
  }

  /** Number of open subscriptions (replica streams). */
  public int subscriberCount() {
    return subscribers.size();
  }

  @Override
  public void positionChanged(PositionEvent event) {
    for (DirtySet s : subscribers) {
      s.mark(event.db());
    }
  }

  /** Closes every subscription and unregisters from the store; idempotent. */
  @Override
  public void close() {
    closed = true;
    store.removeListener(this);
    for (DirtySet s : subscribers) {
      s.close();
    }
  }
}

package dev.replicafs.replication.primary;

import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.role.HandoffException;
import dev.replicafs.replication.role.HandoffException.Reason;
import dev.replicafs.replication.role.PrimaryStreams;
import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.LockBytes;
import dev.replicafs.replication.store.LockFile;
import dev.replicafs.replication.store.LockTable;
import dev.replicafs.replication.store.Store;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary side of replication as the role machine drives it ({@link PrimaryStreams}): whether
 * this node serves {@code POST /stream}, the open streams by ID and peer ({@link ReplicaSession}),
 * and the two steps of a planned handoff.
 *
 * <p>Until the role machine first calls {@link #startServing()} or {@link #stopServing()}, serving
 * follows the store's primary flag (the static {@code becomePrimary()} seam of {@code
 * ReplicationNode}); afterwards only those calls decide, so streams keep flowing while a
 * handing-off primary refuses writes.
 */
public final class StreamHub implements PrimaryStreams {
  private static final Logger log = LoggerFactory.getLogger(StreamHub.class);
  private static final Duration SEND_WAIT = Duration.ofSeconds(5);

  private final Store store;
  private final Map<String, ReplicaSession> sessions = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private volatile boolean driven;
  private volatile boolean serving;
  private volatile SessionListener listener = SessionListener.NONE;

  /**
   * Without synchronous replication acknowledgements only serve a handoff's flush: a replica may
   * coalesce them over this long (docs/PROTOCOL.md, "Acknowledgements").
   */
  public static final java.time.Duration LAZY_ACK_DELAY = java.time.Duration.ofMillis(10);

  private volatile boolean promptAcks;
  private final PeerDirectory directory = new PeerDirectory();

  public StreamHub(Store store) {
    this.store = store;
  }

  /** Whether {@code POST /stream} is served and open streams continue. */
  public boolean serving() {
    return driven ? serving : store.isPrimary();
  }

  /** Registers a new stream from node {@code peer}. */
  public ReplicaSession open(
      long peer, boolean candidate, Predicate<String> filter, DirtySet dirty) {
    return open(peer, candidate, Optional.empty(), filter, dirty);
  }

  /**
   * Registers a new stream from node {@code peer}; {@code advertiseUrl} is the replica's node API
   * URL when it sent one (then it also reads PEERS frames), and every open stream that reads them
   * is woken to announce the changed set of known replicas.
   */
  public ReplicaSession open(
      long peer,
      boolean candidate,
      Optional<String> advertiseUrl,
      Predicate<String> filter,
      DirtySet dirty) {
    String id = HexFormat.of().withUpperCase().toHexDigits(random.nextLong());
    ReplicaSession s =
        new ReplicaSession(
            id, peer, candidate, filter, dirty, this::acked, advertiseUrl, directory);
    sessions.put(id, s);
    directory.opened(peer, candidate, advertiseUrl);
    listener.opened(s);
    sessions.values().forEach(ReplicaSession::wake);
    return s;
  }

  /** The stream ended; forgets it. */
  public void closed(ReplicaSession session) {
    session.end();
    sessions.remove(session.id(), session);
    directory.ended(session.peer(), System.nanoTime());
    listener.ended(session);
  }

  /** The replicas this primary knows (the PEERS announcement). */
  public PeerDirectory peers() {
    return directory;
  }

  /** Sets the one listener of stream life and acknowledgements (synchronous replication). */
  public void sessionListener(SessionListener l) {
    this.listener = java.util.Objects.requireNonNull(l);
  }

  /**
   * How long a replica may hold an acknowledgement (the stream's {@code ReplicaFS-Ack-Delay}):
   * {@link #LAZY_ACK_DELAY} unless commits wait for acknowledgements ({@link #promptAcks}), then
   * zero.
   */
  public java.time.Duration ackDelay() {
    return promptAcks ? java.time.Duration.ZERO : LAZY_ACK_DELAY;
  }

  /** Whether commits wait for acknowledgements (synchronous replication attached). */
  public void promptAcks(boolean prompt) {
    this.promptAcks = prompt;
  }

  private void acked(ReplicaSession s, dev.replicafs.replication.stream.Ack ack) {
    listener.acked(s, ack);
  }

  /** The open stream with this ID. */
  public Optional<ReplicaSession> session(String id) {
    return Optional.ofNullable(sessions.get(id));
  }

  @Override
  public void startServing() {
    serving = true;
    driven = true;
    log.info("serving replica streams");
  }

  @Override
  public void stopServing() {
    serving = false;
    driven = true;
    sessions.values().forEach(ReplicaSession::wake);
  }

  /**
   * Whether {@code nodeId} streams from this node and can take the lease: a replica that said it is
   * not a candidate ({@code ReplicaFS-Candidate: false}) does not count, so a handoff to it is
   * refused before the lease is detached.
   */
  @Override
  public boolean isConnectedReplica(long nodeId) {
    return latest(nodeId).map(ReplicaSession::candidate).orElse(false);
  }

  @Override
  public void flushTo(long nodeId, Duration timeout) throws HandoffException, InterruptedException {
    ReplicaSession s = latest(nodeId).orElseThrow(() -> notConnected(nodeId, Reason.FLUSH_FAILED));
    if (!s.awaitAcked(this::positions, timeout)) {
      throw new HandoffException(
          Reason.FLUSH_FAILED,
          s.ended()
              ? "node " + hex(nodeId) + " disconnected before it confirmed every transaction"
              : "node " + hex(nodeId) + " did not confirm every transaction within " + timeout);
    }
  }

  @Override
  public void sendHandoff(long nodeId, String leaseToken) throws HandoffException {
    ReplicaSession s = latest(nodeId).orElseThrow(() -> notConnected(nodeId, Reason.SEND_FAILED));
    try {
      s.requestHandoff(leaseToken).get(SEND_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new HandoffException(
          Reason.SEND_FAILED, "HANDOFF frame not delivered to node " + hex(nodeId) + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HandoffException(Reason.SEND_FAILED, "interrupted sending HANDOFF", e);
    }
  }

  /**
   * Every local database's final position, or null while a transaction may still be in flight: a
   * writer that did its last write before the fence closed can still commit (WAL: releasing the
   * WRITE lock; rollback journal: deleting the journal under RESERVED), so the flush waits until no
   * database has a writer lock held or a committed transaction whose LTX file is not named yet.
   * After the fence no new transaction can commit.
   */
  private Map<String, Pos> positions() {
    Map<String, Pos> out = new TreeMap<>();
    for (Db db : store.dbs()) {
      LockTable locks = db.locks();
      if (locks.isWriteLocked(LockFile.SHM, LockBytes.WAL_WRITE)
          || locks.isWriteLocked(LockFile.DATABASE, LockBytes.RESERVED)
          || locks.isWriteLocked(LockFile.DATABASE, LockBytes.PENDING)
          || !db.namingIdle()) {
        return null;
      }
      out.put(db.name(), db.pos());
    }
    return out;
  }

  /** The open stream of replica {@code nodeId}, if it is connected. */
  public Optional<ReplicaSession> connected(long nodeId) {
    return latest(nodeId);
  }

  private Optional<ReplicaSession> latest(long nodeId) {
    List<ReplicaSession> open =
        sessions.values().stream().filter(s -> s.peer() == nodeId && !s.ended()).toList();
    return open.isEmpty() ? Optional.empty() : Optional.of(open.get(open.size() - 1));
  }

  private static HandoffException notConnected(long nodeId, Reason reason) {
    return new HandoffException(
        reason, "node " + hex(nodeId) + " is not a replica connected to this primary");
  }

  private static String hex(long id) {
    return HexFormat.of().withUpperCase().toHexDigits(id);
  }
}

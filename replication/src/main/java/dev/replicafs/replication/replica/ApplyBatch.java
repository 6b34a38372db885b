package dev.replicafs.replication.replica;

import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.stream.StreamFrame;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * The LTX files of one stream received but not yet applied (docs/ARCHITECTURE.md, "Apply (replica):
 * files applied in groups"). {@link ReplicaClient} offers every LTX frame and applies the group
 * once it is {@link #due}: when the group's first file has been received, the batch notes how many
 * bytes of the stream had arrived by then (the cut), and the group is due once the parser has
 * consumed that many, so frames that queued up while the previous group was applied become one
 * group while frames that arrive later wait for the next. A file joins the group when it is an
 * incremental file of the same, existing database and the group holds fewer than {@link #MAX_FILES}
 * files and {@link #MAX_BYTES}; otherwise the group is applied first. A snapshot or a new database
 * is a group of its own. After a group is applied each file's position goes to {@code applied} (the
 * acknowledgement channel: every position it hears is durable). Not thread-safe: the replica thread
 * owns it.
 */
final class ApplyBatch implements AutoCloseable {
  static final int MAX_FILES = 256;
  static final long MAX_BYTES = 64L << 20;

  private final LtxFrameApplier applier;
  private final BiConsumer<String, Pos> applied;
  private final LongSupplier arrived;
  private final List<LtxFrameApplier.Received> files = new ArrayList<>();
  private long bytes;
  private long cut;

  /**
   * @param arrived bytes of the stream arrived so far, in the coordinate of the {@code consumed}
   *     count given to {@link #due}
   */
  ApplyBatch(LtxFrameApplier applier, BiConsumer<String, Pos> applied, LongSupplier arrived) {
    this.applier = applier;
    this.applied = applied;
    this.arrived = arrived;
  }

  boolean isEmpty() {
    return files.isEmpty();
  }

  /** Whether the group takes no further file. */
  boolean isFull() {
    if (files.isEmpty()) {
      return false;
    }
    LtxFrameApplier.Received first = files.get(0);
    return first.isNew()
        || first.header().isSnapshot()
        || files.size() >= MAX_FILES
        || bytes >= MAX_BYTES;
  }

  /** Receives one LTX frame's file (applying the group first if the file cannot join it). */
  void offer(StreamFrame.Ltx frame, InputStream body) throws IOException {
    LtxFrameApplier.Incoming in = applier.open(frame, body);
    if (!files.isEmpty() && !joins(in)) {
      flush();
    }
    Pos before =
        files.isEmpty() ? applier.position(in.db()) : files.get(files.size() - 1).file().pos();
    LtxFrameApplier.Received r = applier.receive(in, before);
    files.add(r);
    bytes += r.file().size();
    if (files.size() == 1) {
      cut = arrived.getAsLong();
    }
  }

  /**
   * Whether the group should be applied now, the stream's parser having consumed {@code consumed}
   * bytes: it is full, or every byte that had arrived when its first file was received is consumed.
   */
  boolean due(long consumed) {
    return !files.isEmpty() && (isFull() || consumed >= cut);
  }

  private boolean joins(LtxFrameApplier.Incoming in) {
    return !isFull()
        && files.get(0).db().equals(in.db())
        && !in.header().isSnapshot()
        && applier.exists(in);
  }

  /** Applies the queued files as one group and reports each position. */
  void flush() throws IOException {
    if (files.isEmpty()) {
      return;
    }
    List<LtxFrameApplier.Received> group = new ArrayList<>(files);
    files.clear();
    bytes = 0;
    List<Pos> after = applier.apply(group);
    for (Pos p : after) {
      applied.accept(group.get(0).db(), p);
    }
  }

  /** Discards files not applied (the stream failed). */
  @Override
  public void close() throws IOException {
    IOException first = null;
    for (LtxFrameApplier.Received r : files) {
      try {
        r.file().close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    files.clear();
    bytes = 0;
    if (first != null) {
      throw first;
    }
  }
}

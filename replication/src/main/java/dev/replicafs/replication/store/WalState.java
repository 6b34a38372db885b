package dev.replicafs.replication.store;

import dev.replicafs.replication.sqlite.WalChecksum;
import dev.replicafs.replication.sqlite.WalHeader;
import java.util.TreeMap;

/**
 * What the store knows about the current WAL generation (the frames since the last WAL header
 * write): its header, the end of the last transaction recorded in an LTX file with the running
 * frame checksum there, and for each page the frame holding its newest recorded version. A WAL
 * restart (SQLite rewrites the header after a full checkpoint) or truncation starts a new
 * generation; the database file then holds every recorded page.
 */
final class WalState {
  /** Header of the current generation, or null if the WAL holds no valid header yet. */
  WalHeader header;

  /** End of the last recorded transaction (frame boundary), 0 while {@link #header} is null. */
  long offset;

  /** Cumulative frame checksum at {@link #offset}. */
  WalChecksum running;

  /** Page number to the offset of the frame header holding its newest recorded version. */
  final TreeMap<Long, Long> frames = new TreeMap<>();

  void reset() {
    header = null;
    offset = 0;
    running = null;
    frames.clear();
  }

  void start(WalHeader h) {
    header = h;
    offset = WalHeader.SIZE;
    running = h.checksum();
    frames.clear();
  }
}

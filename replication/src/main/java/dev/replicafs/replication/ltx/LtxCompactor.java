package dev.replicafs.replication.ltx;

import dev.replicafs.replication.ltx.LtxFormatException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Merges a contiguous sequence of LTX files into one, as ltx v0.3.14's {@code Compactor} does (spec
 * §11.3), streaming: memory is one page per input.
 *
 * <p>Inputs must be given in ascending TXID order (they are not re-sorted), share one page size,
 * and be contiguous ({@code prev.maxTxid + 1 == next.minTxid}) unless {@link
 * #allowNonContiguousTxids}. Checksum chaining and input flags are not checked, like the reference.
 * Output header: flags as configured, page size from the first input, commit, max TXID and
 * timestamp from the last, min TXID and pre-apply checksum from the first, WAL fields and node ID
 * zero. Pages: a k-way merge by page number where the latest input wins; pages above the output
 * commit are dropped. Trailer: post-apply checksum from the last input, file checksum computed.
 * Every input is read to its end and verified.
 */
public final class LtxCompactor {
  private final int headerFlags;
  private final boolean allowNonContiguousTxids;
  private final LtxDecoder.Mode inputMode;

  private LtxCompactor(int headerFlags, boolean allowNonContiguousTxids, LtxDecoder.Mode mode) {
    this.headerFlags = headerFlags;
    this.allowNonContiguousTxids = allowNonContiguousTxids;
    this.inputMode = mode;
  }

  /** A compactor writing {@code headerFlags} (0 or {@link LtxHeader#FLAG_COMPRESS_LZ4}). */
  public static LtxCompactor withFlags(int headerFlags) {
    return new LtxCompactor(headerFlags, false, LtxDecoder.Mode.STRICT);
  }

  /** A copy that also accepts gaps between input TXID ranges. */
  public LtxCompactor allowNonContiguousTxids() {
    return new LtxCompactor(headerFlags, true, inputMode);
  }

  /** A copy that decodes its inputs in {@code mode}. */
  public LtxCompactor inputMode(LtxDecoder.Mode mode) {
    return new LtxCompactor(headerFlags, allowNonContiguousTxids, mode);
  }

  /** Compacts {@code inputs} (not closed) into {@code out} (not closed) and returns the trailer. */
  public LtxTrailer compact(List<? extends InputStream> inputs, OutputStream out)
      throws IOException {
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("at least one input is required");
    }
    List<LtxDecoder> decs = new ArrayList<>(inputs.size());
    for (InputStream in : inputs) {
      decs.add(LtxDecoder.open(in, inputMode));
    }
    LtxHeader first = decs.get(0).header();
    LtxHeader last = decs.get(decs.size() - 1).header();
    checkSequence(decs);
    LtxHeader outHeader =
        LtxHeader.builder(first.pageSize(), last.commit(), first.minTxid(), last.maxTxid())
            .flags(headerFlags)
            .timestamp(last.timestamp())
            .preApplyChecksum(first.preApplyChecksum())
            .build();
    LtxEncoder enc = LtxEncoder.open(out, outHeader);
    int k = decs.size();
    byte[][] page = new byte[k][first.pageSize()];
    long[] pgno = new long[k];
    for (int i = 0; i < k; i++) {
      pgno[i] = decs.get(i).nextPage(page[i]);
    }
    while (true) {
      long min = 0;
      int winner = -1;
      for (int i = 0; i < k; i++) {
        if (pgno[i] != 0 && (winner < 0 || pgno[i] <= min)) {
          min = pgno[i];
          winner = i;
        }
      }
      if (winner < 0) {
        break;
      }
      if (min <= outHeader.commit()) {
        enc.writePage(min, page[winner]);
      }
      for (int i = 0; i < k; i++) {
        if (pgno[i] == min) {
          pgno[i] = decs.get(i).nextPage(page[i]);
        }
      }
    }
    return enc.finish(decs.get(k - 1).trailer().postApplyChecksum());
  }

  private void checkSequence(List<LtxDecoder> decs) throws LtxFormatException {
    LtxHeader prev = null;
    for (LtxDecoder d : decs) {
      LtxHeader h = d.header();
      if (prev != null) {
        if (h.pageSize() != prev.pageSize()) {
          throw new LtxFormatException(
              Kind.BAD_SEQUENCE,
              "input page sizes differ: " + prev.pageSize() + " and " + h.pageSize());
        }
        if (!allowNonContiguousTxids && prev.maxTxid() + 1 != h.minTxid()) {
          throw new LtxFormatException(
              Kind.BAD_SEQUENCE,
              String.format(
                  "non-contiguous txids: %s is followed by %s",
                  LtxFileName.of(prev), LtxFileName.of(h)));
        }
      }
      prev = h;
    }
  }
}

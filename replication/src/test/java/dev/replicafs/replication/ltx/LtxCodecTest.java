package dev.replicafs.replication.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replicafs.replication.ltx.LtxFormatException.Kind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import net.jpountz.lz4.LZ4FrameOutputStream;
import net.jpountz.xxhash.XXHashFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Encoder rules and decoder verdicts on hand-made files, one broken rule at a time. */
class LtxCodecTest {
  private static final int PS = 512;
  private static final long PRE = 0x8000000000000042L;
  private static final long POST = 0x8000000000000043L;

  private static LtxHeader incremental(long commit) {
    return LtxHeader.builder(PS, commit, 5, 5).preApplyChecksum(PRE).build();
  }

  private static LtxHeader snapshot(long commit) {
    return LtxHeader.builder(PS, commit, 1, 3).build();
  }

  private static Kind kind(Executable e) {
    try {
      e.execute();
    } catch (LtxFormatException x) {
      return x.kind();
    } catch (Throwable t) {
      throw new AssertionError("untyped " + t, t);
    }
    throw new AssertionError("no error");
  }

  private static Kind decodeKind(byte[] file, LtxDecoder.Mode mode) {
    return kind(() -> Decoded.of(file, mode));
  }

  @Test
  void encoderRejectsPagesThatBreakTheRulesAndStaysUsable() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LtxEncoder enc = LtxEncoder.open(out, incremental(10));
    assertThat(out.size()).as("header is written at open").isEqualTo(LtxHeader.SIZE);
    assertThat(kind(() -> enc.writePage(0, Craft.page(PS, 1)))).isEqualTo(Kind.PAGE_OUT_OF_RANGE);
    assertThat(kind(() -> enc.writePage(11, Craft.page(PS, 11)))).isEqualTo(Kind.PAGE_OUT_OF_RANGE);
    assertThat(kind(() -> enc.writePage(3, new byte[PS - 1]))).isEqualTo(Kind.BAD_PAGE_LENGTH);
    assertThat(kind(() -> enc.writePage(3, ByteBuffer.allocateDirect(PS + 1))))
        .isEqualTo(Kind.BAD_PAGE_LENGTH);
    enc.writePage(3, Craft.page(PS, 3));
    assertThat(enc.lastPageChecksum()).isEqualTo(DatabaseChecksum.page(3, Craft.page(PS, 3)));
    assertThat(kind(() -> enc.writePage(3, Craft.page(PS, 3)))).isEqualTo(Kind.PAGE_ORDER);
    assertThat(kind(() -> enc.writePage(2, Craft.page(PS, 2)))).isEqualTo(Kind.PAGE_ORDER);
    ByteBuffer direct = ByteBuffer.allocateDirect(PS).put(Craft.page(PS, 7)).flip();
    enc.writePage(7, direct);
    assertThat(direct.hasRemaining()).isFalse();
    assertThatThrownBy(enc::finish).isInstanceOf(IllegalStateException.class);
    assertThat(kind(() -> enc.finish(0x42))).isEqualTo(Kind.BAD_TRAILER);
    LtxTrailer t = enc.finish(POST);
    assertThat(out.toByteArray()).isEqualTo(Craft.raw(incremental(10), POST, 3, 7));
    assertThat(t.fileChecksum()).isEqualTo(Decoded.of(out.toByteArray()).trailer().fileChecksum());
    assertThatThrownBy(() -> enc.writePage(8, Craft.page(PS, 8)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void encoderRefusesTheLockPageAndSnapshotGapsAndCompletesOnlyFullSnapshots() throws Exception {
    LtxHeader big = LtxHeader.builder(65536, 16386, 2, 2).preApplyChecksum(PRE).build();
    LtxEncoder enc = LtxEncoder.open(new ByteArrayOutputStream(), big);
    assertThat(kind(() -> enc.writePage(16385, new byte[65536]))).isEqualTo(Kind.LOCK_PAGE);
    enc.writePage(16384, new byte[65536]);
    enc.writePage(16386, new byte[65536]);

    LtxEncoder snap = LtxEncoder.open(new ByteArrayOutputStream(), snapshot(3));
    assertThat(kind(() -> snap.writePage(2, Craft.page(PS, 2)))).isEqualTo(Kind.PAGE_ORDER);
    snap.writePage(1, Craft.page(PS, 1));
    assertThat(kind(() -> snap.writePage(3, Craft.page(PS, 3)))).isEqualTo(Kind.PAGE_ORDER);
    snap.writePage(2, Craft.page(PS, 2));
    assertThat(kind(snap::finish)).isEqualTo(Kind.INCOMPLETE_SNAPSHOT);
    snap.writePage(3, Craft.page(PS, 3));
    assertThat(kind(() -> snap.finish(POST))).isEqualTo(Kind.POST_APPLY_CHECKSUM_MISMATCH);
    assertThat(snap.finish().postApplyChecksum()).isEqualTo(Craft.checksum(PS, 1, 2, 3));
  }

  @Test
  void deletionAndEmptySnapshotFinishWithTheEmptyChecksum() throws Exception {
    for (LtxHeader h : new LtxHeader[] {incremental(0), snapshot(0)}) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      LtxEncoder enc = LtxEncoder.open(out, h);
      assertThat(kind(() -> enc.finish(POST)))
          .isIn(Kind.BAD_TRAILER, Kind.POST_APPLY_CHECKSUM_MISMATCH);
      assertThat(enc.finish().postApplyChecksum()).isEqualTo(DatabaseChecksum.EMPTY);
      assertThat(out.size()).isEqualTo(120);
      assertThat(Decoded.of(out.toByteArray()).pages()).isEmpty();
    }
  }

  @Test
  void emptyLz4FrameIsOneRawFourByteBlockAsTheReferenceWritesIt() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LtxEncoder.open(out, incremental(3).withFlags(LtxHeader.FLAG_COMPRESS_LZ4)).finish(POST);
    byte[] f = out.toByteArray();
    assertThat(f).hasSize(139);
    int xxh = XXHashFactory.safeInstance().hash32().hash(new byte[4], 0, 4, 0);
    byte[] frame =
        ByteBuffer.allocate(23)
            .put(new byte[] {0x04, 0x22, 0x4D, 0x18, 0x64, 0x40, (byte) 0xA7})
            .put(new byte[] {0x04, 0x00, 0x00, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0})
            .putInt(Integer.reverseBytes(xxh))
            .array();
    assertThat(Arrays.copyOfRange(f, 100, 123)).isEqualTo(frame);
  }

  @Test
  void strictDecoderRejectsWhatTheEncoderRefusesAndLenientAcceptsItLikeTheReference()
      throws Exception {
    byte[][] lenientOnly = {
      Craft.raw(incremental(10), POST, 4, 2),
      Craft.raw(incremental(10), POST, 2, 2),
      Craft.raw(incremental(3), POST, 2, 4),
      Craft.raw(snapshot(3), Craft.checksum(PS, 1, 2), 1, 2),
      Craft.raw(snapshot(3), Craft.checksum(PS, 1, 3), 1, 3),
    };
    Kind[] strictKinds = {
      Kind.PAGE_ORDER,
      Kind.PAGE_ORDER,
      Kind.PAGE_OUT_OF_RANGE,
      Kind.INCOMPLETE_SNAPSHOT,
      Kind.PAGE_ORDER,
    };
    for (int i = 0; i < lenientOnly.length; i++) {
      assertThat(decodeKind(lenientOnly[i], LtxDecoder.Mode.STRICT))
          .as("case %d", i)
          .isEqualTo(strictKinds[i]);
      assertThat(Decoded.of(lenientOnly[i], LtxDecoder.Mode.LENIENT).trailer().postApplyChecksum())
          .isNotZero();
    }
    LtxHeader big = LtxHeader.builder(65536, 16386, 2, 2).preApplyChecksum(PRE).build();
    byte[] lock = Craft.raw(big, POST, 16385);
    assertThat(decodeKind(lock, LtxDecoder.Mode.STRICT)).isEqualTo(Kind.LOCK_PAGE);
    assertThat(Decoded.of(lock, LtxDecoder.Mode.LENIENT).pages()).hasSize(1);
  }

  @Test
  void decoderNamesEachKindOfDamage() throws Exception {
    byte[] good = Craft.raw(snapshot(2), Craft.checksum(PS, 1, 2), 1, 2);
    assertThat(Decoded.of(good).pages()).hasSize(2);

    assertThat(decodeKind(Craft.raw(snapshot(2), POST, 1, 2), LtxDecoder.Mode.LENIENT))
        .isEqualTo(Kind.POST_APPLY_CHECKSUM_MISMATCH);
    assertThat(decodeKind(Craft.raw(incremental(2), 0x43, 1), LtxDecoder.Mode.LENIENT))
        .isEqualTo(Kind.BAD_TRAILER);
    assertThat(decodeKind(Craft.raw(incremental(0), POST), LtxDecoder.Mode.LENIENT))
        .isEqualTo(Kind.BAD_TRAILER);
    byte[] wrongSum = good.clone();
    wrongSum[wrongSum.length - 1] ^= 1;
    assertThat(decodeKind(wrongSum, LtxDecoder.Mode.LENIENT))
        .isEqualTo(Kind.FILE_CHECKSUM_MISMATCH);
    assertThat(decodeKind(Arrays.copyOf(good, 300), LtxDecoder.Mode.LENIENT))
        .isEqualTo(Kind.TRUNCATED);
    assertThat(decodeKind(Arrays.copyOf(good, 50), LtxDecoder.Mode.LENIENT))
        .isEqualTo(Kind.TRUNCATED);
    assertThat(decodeKind(Arrays.copyOf(good, good.length + 3), LtxDecoder.Mode.STRICT))
        .isEqualTo(Kind.TRAILING_BYTES);
    assertThat(Decoded.of(Arrays.copyOf(good, good.length + 3), LtxDecoder.Mode.LENIENT).pages())
        .hasSize(2);
  }

  @Test
  void decoderReadsFramesFromAnotherLz4WriterWithBlockChecksumsContentSizeAndSkippableFrames()
      throws Exception {
    LtxHeader h = incremental(9).withFlags(LtxHeader.FLAG_COMPRESS_LZ4);
    byte[] block = Craft.block(PS, 2, 5, 9);
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.writeBytes(new byte[] {0x50, 0x2A, 0x4D, 0x18, 3, 0, 0, 0, 9, 9, 9});
    try (LZ4FrameOutputStream lz4 =
        new LZ4FrameOutputStream(
            frame,
            LZ4FrameOutputStream.BLOCKSIZE.SIZE_256KB,
            block.length,
            LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE,
            LZ4FrameOutputStream.FLG.Bits.BLOCK_CHECKSUM,
            LZ4FrameOutputStream.FLG.Bits.CONTENT_SIZE,
            LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM)) {
      lz4.write(block);
    }
    byte[] file = Craft.file(h.encode(), block, frame.toByteArray(), POST);
    Decoded d = Decoded.of(file);
    assertThat(d.pages()).extracting(Decoded.Page::pgno).containsExactly(2L, 5L, 9L);
    assertThat(d.pageBlock()).isEqualTo(block);
  }

  @Test
  void decoderRejectsBrokenLz4Frames() throws Exception {
    LtxHeader h = incremental(9).withFlags(LtxHeader.FLAG_COMPRESS_LZ4);
    byte[] block = Craft.block(PS, 2, 5);
    ByteArrayOutputStream good = new ByteArrayOutputStream();
    LtxEncoder enc = LtxEncoder.open(good, h);
    enc.writePage(2, Craft.page(PS, 2));
    enc.writePage(5, Craft.page(PS, 5));
    enc.finish(POST);
    byte[] frame = Arrays.copyOfRange(good.toByteArray(), 100, good.size() - 16);
    assertThat(Decoded.of(Craft.file(h.encode(), block, frame, POST)).pages()).hasSize(2);

    byte[] magic = frame.clone();
    magic[0] = 0x05;
    byte[] dict = withDescriptor(frame, 0x65);
    byte[] dependent = withDescriptor(frame, 0x44);
    byte[] version = withDescriptor(frame, 0xA4);
    byte[] hc = frame.clone();
    hc[6] ^= 1;
    byte[] corrupt = frame.clone();
    corrupt[12] ^= (byte) 0xFF;
    byte[] tooBig = frame.clone();
    ByteBuffer.wrap(tooBig).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(7, 0x10001);
    byte[] contentSum = frame.clone();
    contentSum[contentSum.length - 1] ^= 1;
    for (byte[] bad :
        new byte[][] {magic, dict, dependent, version, hc, corrupt, tooBig, contentSum}) {
      assertThat(decodeKind(Craft.file(h.encode(), block, bad, POST), LtxDecoder.Mode.LENIENT))
          .isEqualTo(Kind.BAD_LZ4_FRAME);
    }
    byte[] extra = Arrays.copyOf(block, block.length + 1);
    assertThat(decodeKind(Craft.file(h.encode(), extra, lz4(extra), POST), LtxDecoder.Mode.LENIENT))
        .as("data after the end marker inside the frame")
        .isEqualTo(Kind.BAD_LZ4_FRAME);
    byte[] shortBlock = Arrays.copyOf(block, block.length - 4);
    assertThat(
            decodeKind(
                Craft.file(h.encode(), shortBlock, lz4(shortBlock), POST), LtxDecoder.Mode.LENIENT))
        .as("frame ends before the end marker")
        .isEqualTo(Kind.BAD_LZ4_FRAME);
  }

  private static byte[] withDescriptor(byte[] frame, int flg) {
    byte[] f = frame.clone();
    f[4] = (byte) flg;
    int hc = (XXHashFactory.safeInstance().hash32().hash(f, 4, 2, 0) >>> 8) & 0xFF;
    f[6] = (byte) hc;
    return f;
  }

  private static byte[] lz4(byte[] content) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Lz4FrameWriter w = new Lz4FrameWriter(out);
    w.write(content, 0, content.length);
    w.finish();
    return out.toByteArray();
  }

  @Test
  void decoderExposesEachPageChecksumAndNeedsAPageSizedBuffer() throws Exception {
    byte[] f = Craft.raw(incremental(10), POST, 3, 7);
    LtxDecoder dec = LtxDecoder.open(new ByteArrayInputStream(f));
    assertThatThrownBy(() -> dec.trailer()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> dec.nextPage(new byte[PS - 1]))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] page = new byte[PS];
    assertThat(dec.nextPage(page)).isEqualTo(3);
    assertThat(dec.lastPageChecksum()).isEqualTo(DatabaseChecksum.page(3, Craft.page(PS, 3)));
    assertThat(dec.nextPage(page)).isEqualTo(7);
    assertThat(dec.nextPage(page)).isZero();
    assertThat(dec.isFinished()).isTrue();
    assertThat(dec.nextPage(page)).isZero();
    assertThat(dec.trailer().postApplyChecksum()).isEqualTo(POST);
  }

  @Test
  void decoderIsUnusableAfterAnError() throws Exception {
    byte[] f = Craft.raw(incremental(10), POST, 7, 3);
    LtxDecoder dec = LtxDecoder.open(new ByteArrayInputStream(f));
    byte[] page = new byte[PS];
    assertThat(dec.nextPage(page)).isEqualTo(7);
    assertThat(kind(() -> dec.nextPage(page))).isEqualTo(Kind.PAGE_ORDER);
    assertThatThrownBy(() -> dec.nextPage(page))
        .isInstanceOf(IllegalStateException.class)
        .hasCauseInstanceOf(LtxFormatException.class);
    assertThat(dec.isFinished()).isFalse();
  }
}

package dev.replicafs.replication.stream;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32C;

/**
 * Writes the primary's side of the stream: the preamble, control frames, and LTX files as chunked
 * bodies (docs/PROTOCOL.md). Not thread-safe: one writer per stream, owned by its sender.
 */
public final class StreamWriter {
  static final byte[] PREAMBLE = {'R', 'F', 'S', 'S', 0, 1, 0, 0};

  private final DataOutputStream out;
  private boolean bodyOpen;

  public StreamWriter(OutputStream out) {
    this.out = new DataOutputStream(out);
  }

  /** Writes the 8-byte preamble; call once, first. */
  public void writePreamble() throws IOException {
    out.write(PREAMBLE);
  }

  /** Writes one control frame (an {@link StreamFrame.Ltx} frame must be followed by its body). */
  public void write(StreamFrame frame) throws IOException {
    if (bodyOpen) {
      throw new IllegalStateException("the previous LTX body was not closed");
    }
    byte[] payload = FrameCodec.payload(frame);
    byte[] header = new byte[8];
    header[0] = (byte) frame.type();
    header[4] = (byte) (payload.length >>> 24);
    header[5] = (byte) (payload.length >>> 16);
    header[6] = (byte) (payload.length >>> 8);
    header[7] = (byte) payload.length;
    CRC32C crc = new CRC32C();
    crc.update(header);
    crc.update(payload);
    out.write(header);
    out.write(payload);
    out.writeInt((int) crc.getValue());
  }

  /**
   * Writes an LTX frame and returns the stream its file is written to. Closing the returned stream
   * writes the end marker and checksum; it does not close the underlying stream.
   */
  public OutputStream writeLtx(String db, long length) throws IOException {
    write(new StreamFrame.Ltx(db, length));
    bodyOpen = true;
    return new ChunkedOutputStream(out, () -> bodyOpen = false);
  }

  public void flush() throws IOException {
    out.flush();
  }
}

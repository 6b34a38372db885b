package dev.replicafs.replication.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The body of an HTTP/1.1 response sent with {@code Transfer-Encoding: chunked} (RFC 9112 §7.1):
 * hexadecimal chunk sizes (extensions after {@code ;} ignored), the data, and trailer lines after
 * the last, empty chunk, which are skipped. A connection that ends inside a chunk or a size line is
 * an {@link IOException}, never a quiet end, and deliberately not an {@code EOFException}: the
 * stream parser reads an {@code EOFException} as a frame the primary cut short, while a connection
 * that ended here was lost in transport, and the replica reports it as such. Not thread-safe,
 * except that {@link #close} may come from another thread to break a blocked read.
 */
final class HttpChunkedInputStream extends BulkInputStream {
  /** The longest size line accepted (a size and extensions); a longer one is a protocol error. */
  private static final int MAX_LINE = 4096;

  private long left;
  private boolean done;

  HttpChunkedInputStream(InputStream in) {
    super(in);
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (!nextData()) {
      return -1;
    }
    int n = in.read(b, off, (int) Math.min(len, left));
    if (n < 0) {
      throw new IOException(
          "connection closed inside a chunk of the response body (" + left + " bytes missing)");
    }
    left -= n;
    if (left == 0) {
      crlf();
    }
    return n;
  }

  @Override
  public int available() throws IOException {
    return done ? 0 : (int) Math.min(left, in.available());
  }

  /** Reads size lines until a chunk with data is current; false at the end of the body. */
  private boolean nextData() throws IOException {
    while (left == 0) {
      if (done) {
        return false;
      }
      String line = line();
      int semi = line.indexOf(';');
      String size = (semi < 0 ? line : line.substring(0, semi)).trim();
      try {
        left = Long.parseUnsignedLong(size, 16);
      } catch (NumberFormatException e) {
        throw new IOException("malformed chunk size line: " + printable(line));
      }
      if (left < 0) {
        throw new IOException("chunk size out of range: " + printable(line));
      }
      if (left == 0) {
        done = true;
        while (!line().isEmpty()) {
          // a trailer field: not used by the node API
        }
        return false;
      }
    }
    return true;
  }

  private void crlf() throws IOException {
    if (!line().isEmpty()) {
      throw new IOException("chunk data not followed by CRLF");
    }
  }

  /** One line without its CRLF (a bare LF is accepted). */
  private String line() throws IOException {
    StringBuilder sb = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed inside a chunk size line of the response body");
      }
      if (c == '\n') {
        int n = sb.length();
        if (n > 0 && sb.charAt(n - 1) == '\r') {
          sb.setLength(n - 1);
        }
        return sb.toString();
      }
      if (sb.length() >= MAX_LINE) {
        throw new IOException("chunk size line longer than " + MAX_LINE + " bytes");
      }
      sb.append((char) c);
    }
  }

  private static String printable(String line) {
    String s = line.length() > 64 ? line.substring(0, 64) + "..." : line;
    return new String(s.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.US_ASCII);
  }
}

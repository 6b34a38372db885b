package dev.replicafs.replication.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One HTTP/1.1 {@code POST} whose response body is read straight from a blocking socket: the
 * replication stream ({@code POST /stream}), which lasts as long as the replica follows the
 * primary.
 *
 * <p>The JDK {@code HttpClient} that {@link NodeClient} uses for every other call hands each read
 * of a response body from its selector thread to a worker thread and then to the reader: on the
 * stream that is two thread wake-ups for every LTX file, before the replica's own read-ahead thread
 * (docs/BENCHMARKS.md, "Where the threads run"). Here the read-ahead thread reads the socket
 * itself. The request carries the same headers, TLS (with the same {@link SSLContext} and host name
 * verification) and error handling: a status other than 200 is a {@link NodeApiException} with the
 * peer's message. Closing the body closes the socket, from any thread (how the idle watchdog breaks
 * a blocked read).
 */
final class StreamConnection {
  private static final int MAX_HEADER_BYTES = 64 * 1024;
  private static final int BUFFER = 64 * 1024;

  /** The status, the headers (names in lower case) and the body of the response. */
  record Response(int status, Map<String, String> headers, InputStream body) {
    Optional<String> header(String name) {
      return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }
  }

  private StreamConnection() {}

  /**
   * Connects to {@code uri} (http, or https with {@code tls}), sends the request and reads the
   * response head; the caller owns the returned body.
   *
   * @param headers request headers besides Host and Content-Length
   * @throws NodeApiException for a status other than 200
   */
  static Response post(
      URI uri,
      Optional<SSLContext> tls,
      Map<String, String> headers,
      byte[] body,
      Duration connectTimeout)
      throws IOException {
    boolean https = "https".equalsIgnoreCase(uri.getScheme());
    if (!https && !"http".equalsIgnoreCase(uri.getScheme())) {
      throw new IOException("not an http or https URL: " + uri);
    }
    if (https && tls.isEmpty()) {
      throw new IOException("an https URL needs the cluster's TLS settings: " + uri);
    }
    String host = uri.getHost();
    if (host == null) {
      throw new IOException("URL without a host: " + uri);
    }
    int port = uri.getPort() >= 0 ? uri.getPort() : https ? 443 : 80;
    String bareHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(bareHost, port), (int) connectTimeout.toMillis());
      socket.setTcpNoDelay(true);
      if (https) {
        SSLSocket ssl =
            (SSLSocket) tls.get().getSocketFactory().createSocket(socket, bareHost, port, true);
        SSLParameters params = ssl.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        ssl.setSSLParameters(params);
        ssl.startHandshake();
        socket = ssl;
      }
      OutputStream out = socket.getOutputStream();
      out.write(head(uri, host, port, https, headers, body.length));
      out.write(body);
      out.flush();
      InputStream in = new BufferedInputStream(socket.getInputStream(), BUFFER);
      int status = statusLine(readLine(in));
      Map<String, String> h = readHeaders(in);
      InputStream payload = new SocketBody(body(in, h), socket);
      if (status != 200) {
        throw NodeApiException.answered(uri.getPath(), status, payload);
      }
      return new Response(status, h, payload);
    } catch (IOException | RuntimeException e) {
      try {
        socket.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static byte[] head(
      URI uri, String host, int port, boolean https, Map<String, String> headers, int length) {
    String target = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      target += "?" + uri.getRawQuery();
    }
    boolean defaultPort = port == (https ? 443 : 80);
    StringBuilder sb = new StringBuilder();
    sb.append("POST ").append(target).append(" HTTP/1.1\r\n");
    sb.append("Host: ").append(host).append(defaultPort ? "" : ":" + port).append("\r\n");
    sb.append("Content-Length: ").append(length).append("\r\n");
    for (Map.Entry<String, String> e : headers.entrySet()) {
      String v = e.getValue();
      if (v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("header " + e.getKey() + " holds a line break");
      }
      sb.append(e.getKey()).append(": ").append(v).append("\r\n");
    }
    sb.append("\r\n");
    return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private static int statusLine(String line) throws IOException {
    // HTTP/1.1 200 OK
    String[] parts = line.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP/1.x status line: " + shorten(line));
    }
    try {
      return Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IOException("malformed HTTP status line: " + shorten(line));
    }
  }

  private static Map<String, String> readHeaders(InputStream in) throws IOException {
    Map<String, String> h = new LinkedHashMap<>();
    int total = 0;
    while (true) {
      String line = readLine(in);
      total += line.length() + 2;
      if (total > MAX_HEADER_BYTES) {
        throw new IOException("response headers longer than " + MAX_HEADER_BYTES + " bytes");
      }
      if (line.isEmpty()) {
        return h;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IOException("malformed response header: " + shorten(line));
      }
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      h.merge(name, value, (a, b) -> a + ", " + b);
    }
  }

  private static InputStream body(InputStream in, Map<String, String> h) throws IOException {
    String te = h.get("transfer-encoding");
    if (te != null) {
      if (!te.toLowerCase(Locale.ROOT).endsWith("chunked")) {
        throw new IOException("unsupported transfer encoding: " + te);
      }
      return new HttpChunkedInputStream(in);
    }
    String cl = h.get("content-length");
    if (cl != null) {
      long n;
      try {
        n = Long.parseLong(cl.trim());
      } catch (NumberFormatException e) {
        throw new IOException("malformed Content-Length: " + shorten(cl));
      }
      return new Bounded(in, n);
    }
    return in; // until the server closes the connection
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(128);
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed inside the response head");
      }
      if (c == '\n') {
        byte[] line = b.toByteArray();
        int n = line.length > 0 && line[line.length - 1] == '\r' ? line.length - 1 : line.length;
        return new String(line, 0, n, StandardCharsets.ISO_8859_1);
      }
      if (b.size() >= MAX_HEADER_BYTES) {
        throw new IOException("response line longer than " + MAX_HEADER_BYTES + " bytes");
      }
      b.write(c);
    }
  }

  private static String shorten(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }

  /** A body of a known length: reading past it is the end of the stream. */
  private static final class Bounded extends BulkInputStream {
    private long left;

    Bounded(InputStream in, long length) {
      super(in);
      this.left = length;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n < 0) {
        throw new IOException(
            "connection closed " + left + " bytes before the end of the response body");
      }
      left -= n;
      return n;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(left, in.available());
    }
  }

  /** The body; closing it closes the socket (also to break a read blocked in another thread). */
  private static final class SocketBody extends FilterInputStream {
    private final Socket socket;

    SocketBody(InputStream in, Socket socket) {
      super(in);
      this.socket = socket;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}

package dev.replicafs.replication.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpChunkedInputStreamTest {
  private static InputStream chunked(String wire) {
    return new HttpChunkedInputStream(
        new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)));
  }

  @Test
  void joinsChunksSkipsExtensionsAndTrailers() throws IOException {
    InputStream in =
        chunked("5\r\nhello\r\n1;name=value\r\n,\r\nA\r\n world and\r\n0\r\nTrailer: x\r\n\r\n");
    assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII))
        .isEqualTo("hello, world and");
    assertThat(in.read()).isEqualTo(-1);
  }

  @Test
  void readsNoFurtherThanTheCurrentChunk() throws IOException {
    InputStream in = chunked("3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
    byte[] buf = new byte[10];
    assertThat(in.read(buf, 0, 10)).isEqualTo(3);
    assertThat(in.read(buf, 3, 7)).isEqualTo(2);
    assertThat(new String(buf, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("abcde");
    assertThat(in.read(buf, 0, 10)).isEqualTo(-1);
  }

  @Test
  void aBodyCutInsideAChunkIsAnErrorNotAnEnd() {
    InputStream in = chunked("a\r\nabc");
    // not an EOFException: the stream parser would take that for a frame the primary cut short
    assertThatThrownBy(in::readAllBytes)
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(EOFException.class)
        .hasMessageContaining("inside a chunk of the response body");
  }

  @Test
  void aBodyCutBeforeTheLastChunkIsAnErrorNotAnEnd() {
    InputStream in = chunked("3\r\nabc\r\n");
    assertThatThrownBy(in::readAllBytes)
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(EOFException.class)
        .hasMessageContaining("size line");
  }

  @Test
  void aMalformedSizeLineIsRefused() {
    InputStream in = chunked("zz\r\nabc\r\n");
    assertThatThrownBy(in::readAllBytes)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("malformed chunk size");
  }

  @Test
  void chunkDataWithoutItsCrlfIsRefused() {
    InputStream in = chunked("3\r\nabcX\r\n0\r\n\r\n");
    assertThatThrownBy(in::readAllBytes)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("CRLF");
  }
}

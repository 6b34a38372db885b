package dev.replicafs.replication.ltx;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** A fully decoded LTX file held in memory, for tests over small files. */
record Decoded(LtxHeader header, List<Page> pages, LtxTrailer trailer) {
  /** One page: number and content. */
  record Page(long pgno, byte[] data) {}

  static Decoded of(byte[] file) throws IOException {
    return of(file, LtxDecoder.Mode.STRICT);
  }

  static Decoded of(byte[] file, LtxDecoder.Mode mode) throws IOException {
    LtxDecoder dec = LtxDecoder.open(new ByteArrayInputStream(file), mode);
    List<Page> pages = new ArrayList<>();
    LtxTrailer t = dec.readAll((pgno, data) -> pages.add(new Page(pgno, data.clone())));
    return new Decoded(dec.header(), pages, t);
  }

  /** Encodes {@code header} and {@code pages}, finishing with {@code post}. */
  static byte[] encode(LtxHeader header, List<Page> pages, long post) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LtxEncoder enc = LtxEncoder.open(out, header);
    for (Page p : pages) {
      enc.writePage(p.pgno(), p.data());
    }
    enc.finish(post);
    return out.toByteArray();
  }

  /** True when header, pages and trailer are equal (records compare arrays by reference). */
  boolean sameContent(Decoded o) {
    return header.equals(o.header)
        && trailer.equals(o.trailer)
        && java.util.Arrays.equals(pageBlock(), o.pageBlock());
  }

  /** The uncompressed page block: frames plus the zero end marker. */
  byte[] pageBlock() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Page p : pages) {
      long n = p.pgno();
      out.write((int) (n >>> 24));
      out.write((int) (n >>> 16));
      out.write((int) (n >>> 8));
      out.write((int) n);
      out.writeBytes(p.data());
    }
    out.writeBytes(new byte[4]);
    return out.toByteArray();
  }
}

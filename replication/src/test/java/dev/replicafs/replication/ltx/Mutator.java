package dev.replicafs.replication.ltx;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;

/** Seeded structure-blind mutations for fuzz tests: everything derives from the given random. */
final class Mutator {
  private Mutator() {}

  /** One to four mutations of {@code base}; {@code other} is the splice donor. */
  static byte[] mutate(Random r, byte[] base, byte[] other) {
    byte[] b = base.clone();
    int rounds = 1 + r.nextInt(4);
    for (int i = 0; i < rounds && b.length > 0; i++) {
      b = once(r, b, other);
    }
    return b;
  }

  private static byte[] once(Random r, byte[] b, byte[] other) {
    int at = r.nextInt(b.length);
    switch (r.nextInt(7)) {
      case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
      case 1 -> b[at] = (byte) r.nextInt(256);
      case 2 -> {
        int[] interesting = {0, 0xff, 0x7f, 0x80, 1};
        int len = Math.min(b.length - at, 1 + r.nextInt(8));
        Arrays.fill(b, at, at + len, (byte) interesting[r.nextInt(interesting.length)]);
      }
      case 3 -> {
        return Arrays.copyOf(b, at);
      }
      case 4 -> {
        int len = Math.min(b.length - at, 1 + r.nextInt(64));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b, 0, at);
        out.write(b, at + len, b.length - at - len);
        return out.toByteArray();
      }
      case 5 -> {
        byte[] insert = new byte[1 + r.nextInt(64)];
        r.nextBytes(insert);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b, 0, at);
        out.writeBytes(insert);
        out.write(b, at, b.length - at);
        return out.toByteArray();
      }
      default -> {
        int from = r.nextInt(other.length);
        int len = Math.min(other.length - from, 1 + r.nextInt(512));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b, 0, at);
        out.write(other, from, len);
        return out.toByteArray();
      }
    }
    return b;
  }
}

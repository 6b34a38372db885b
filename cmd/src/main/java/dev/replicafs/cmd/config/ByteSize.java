package dev.replicafs.cmd.config;

import java.util.Locale;

/**
 * Sizes in config files: a whole number of bytes, or a number with a unit: {@code KB}, {@code MB},
 * {@code GB}, {@code TB} (powers of 1000) or {@code KiB}, {@code MiB}, {@code GiB}, {@code TiB}
 * (powers of 1024); {@code B} and {@code K}/{@code M}/{@code G}/{@code T} are accepted too (the
 * single letters as powers of 1024).
 */
public final class ByteSize {
  private ByteSize() {}

  /** Parses {@code text}; throws IllegalArgumentException when it is not a size. */
  public static long parse(String text) {
    String s = text.strip();
    int i = 0;
    while (i < s.length() && Character.isDigit(s.charAt(i))) {
      i++;
    }
    if (i == 0) {
      throw new IllegalArgumentException("not a size");
    }
    long number = Long.parseLong(s.substring(0, i));
    String unit = s.substring(i).strip().toUpperCase(Locale.ROOT);
    long multiplier;
    switch (unit) {
      case "":
      case "B":
        multiplier = 1L;
        break;
      case "KB":
        multiplier = 1_000L;
        break;
      case "MB":
        multiplier = 1_000_000L;
        break;
      case "GB":
        multiplier = 1_000_000_000L;
        break;
      case "TB":
        multiplier = 1_000_000_000_000L;
        break;
      case "K":
      case "KIB":
        multiplier = 1L << 10;
        break;
      case "M":
      case "MIB":
        multiplier = 1L << 20;
        break;
      case "G":
      case "GIB":
        multiplier = 1L << 30;
        break;
      case "T":
      case "TIB":
        multiplier = 1L << 40;
        break;
      default:
        throw new IllegalArgumentException("unknown unit \"" + s.substring(i).strip() + "\"");
    }
    return Math.multiplyExact(number, multiplier);
  }
}

package dev.replicafs.replication.store;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Validates database names. A name is one path component of the mount, so it may not contain {@code
 * /}, NUL or another control character (they would corrupt log lines), may not be {@code .} or
 * {@code ..}, and may not end in a suffix the mount uses for a database's side files ({@code
 * -journal -wal -shm -pos -lock}). Names longer than {@value #MAX_BYTES} UTF-8 bytes leave no room
 * for those suffixes within the 255-byte file-name limit.
 */
public final class DatabaseName {
  /** Longest accepted name in UTF-8 bytes (255 minus the longest suffix, {@code -journal}). */
  public static final int MAX_BYTES = 247;

  /** Suffixes reserved for side files in the mount. */
  public static final List<String> RESERVED_SUFFIXES =
      List.of("-journal", "-wal", "-shm", "-pos", "-lock");

  private DatabaseName() {}

  /**
   * Returns {@code name} if it is a valid database name.
   *
   * @throws InvalidDatabaseNameException naming the rule the name breaks
   */
  public static String validate(String name) throws InvalidDatabaseNameException {
    if (name == null || name.isEmpty()) {
      throw new InvalidDatabaseNameException("database name is empty");
    }
    if (name.indexOf('/') >= 0) {
      throw new InvalidDatabaseNameException(
          "database name may not contain '/': name=" + printable(name));
    }
    if (name.indexOf('\0') >= 0) {
      throw new InvalidDatabaseNameException(
          "database name may not contain a NUL byte: name=" + printable(name));
    }
    if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new InvalidDatabaseNameException(
          "database name may not contain control characters: name=" + printable(name));
    }
    if (name.equals(".") || name.equals("..") || name.contains("..")) {
      throw new InvalidDatabaseNameException(
          "database name may not contain '..' or be '.': name=" + printable(name));
    }
    if (name.startsWith(".")) {
      throw new InvalidDatabaseNameException(
          "database name may not start with '.' (reserved for .primary, .lag): name="
              + printable(name));
    }
    for (String suffix : RESERVED_SUFFIXES) {
      if (name.endsWith(suffix)) {
        throw new InvalidDatabaseNameException(
            "database name may not end in reserved suffix " + suffix + ": name=" + printable(name));
      }
    }
    int bytes = name.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_BYTES) {
      throw new InvalidDatabaseNameException(
          "database name is " + bytes + " bytes; the limit is " + MAX_BYTES);
    }
    return name;
  }

  private static String printable(String name) {
    StringBuilder out = new StringBuilder();
    name.chars()
        .forEach(
            c -> {
              if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", c));
              } else {
                out.append((char) c);
              }
            });
    return out.toString();
  }
}

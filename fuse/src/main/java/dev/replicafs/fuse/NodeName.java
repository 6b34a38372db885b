package dev.replicafs.fuse;

import dev.replicafs.replication.store.FileKind;
import java.util.Objects;

/**
 * A path of the flat mount, parsed as LiteFS parses it: {@code /}, {@code /.primary}, {@code
 * /.lag}, or a database name with an optional suffix {@code -journal -wal -shm -pos -lock}. Any
 * other name is a database name (so a database name cannot end in one of those suffixes).
 *
 * @param type what the path names
 * @param db the database name, empty for the root, {@code .primary} and {@code .lag}
 */
record NodeName(Type type, String db) {
  /** The kinds of names in the mount. */
  enum Type {
    ROOT,
    PRIMARY,
    LAG,
    DATABASE,
    JOURNAL,
    WAL,
    SHM,
    POS,
    LOCK;

    /** The store file behind this name, or null for a virtual file. */
    FileKind fileKind() {
      return switch (this) {
        case DATABASE -> FileKind.DATABASE;
        case JOURNAL -> FileKind.JOURNAL;
        case WAL -> FileKind.WAL;
        case SHM -> FileKind.SHM;
        default -> null;
      };
    }
  }

  static final String PRIMARY_FILE = ".primary";
  static final String LAG_FILE = ".lag";

  NodeName {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(db, "db");
  }

  /**
   * Parses a FUSE path (always absolute, e.g. {@code /app.db-wal}).
   *
   * @throws ErrnoException ENOENT for a nested path (the mount has no subdirectories)
   */
  static NodeName parse(String path) throws ErrnoException {
    if (path.equals("/")) {
      return new NodeName(Type.ROOT, "");
    }
    String name = path.startsWith("/") ? path.substring(1) : path;
    if (name.isEmpty() || name.indexOf('/') >= 0) {
      throw new ErrnoException(Errno.ENOENT, "the mount is flat, no such path: " + path);
    }
    if (name.equals(PRIMARY_FILE)) {
      return new NodeName(Type.PRIMARY, "");
    }
    if (name.equals(LAG_FILE)) {
      return new NodeName(Type.LAG, "");
    }
    for (Type t : new Type[] {Type.JOURNAL, Type.WAL, Type.SHM, Type.POS, Type.LOCK}) {
      String suffix = suffix(t);
      if (name.endsWith(suffix) && name.length() > suffix.length()) {
        return new NodeName(t, name.substring(0, name.length() - suffix.length()));
      }
    }
    return new NodeName(Type.DATABASE, name);
  }

  /** The mount name of a file of {@code db}. */
  static String fileName(String db, Type t) {
    return db + suffix(t);
  }

  private static String suffix(Type t) {
    return switch (t) {
      case JOURNAL -> "-journal";
      case WAL -> "-wal";
      case SHM -> "-shm";
      case POS -> "-pos";
      case LOCK -> "-lock";
      default -> "";
    };
  }

  /** This name as it appears in the mount root. */
  String fileName() {
    return switch (type) {
      case ROOT -> "";
      case PRIMARY -> PRIMARY_FILE;
      case LAG -> LAG_FILE;
      default -> fileName(db, type);
    };
  }
}

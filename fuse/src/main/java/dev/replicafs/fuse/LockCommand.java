package dev.replicafs.fuse;

/** The {@code fcntl} lock commands and types that reach the {@code lock} callback (Linux). */
final class LockCommand {
  static final int F_GETLK = 5;
  static final int F_SETLK = 6;
  static final int F_SETLKW = 7;

  private LockCommand() {}
}

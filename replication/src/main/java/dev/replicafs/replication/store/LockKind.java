package dev.replicafs.replication.store;

/** The type of a POSIX record lock request ({@code l_type} of {@code struct flock}). */
public enum LockKind {
  /** {@code F_RDLCK}: shared; any number of owners. */
  READ,
  /** {@code F_WRLCK}: exclusive; one owner, no readers. */
  WRITE,
  /** {@code F_UNLCK}: release. */
  UNLOCK;

  /** Linux values of {@code F_RDLCK}, {@code F_WRLCK}, {@code F_UNLCK}. */
  private static final int F_RDLCK = 0;

  private static final int F_WRLCK = 1;
  private static final int F_UNLCK = 2;

  /**
   * Maps Linux's {@code l_type} value to a kind.
   *
   * @throws IllegalArgumentException for any other value
   */
  public static LockKind ofPosixType(int type) {
    return switch (type) {
      case F_RDLCK -> READ;
      case F_WRLCK -> WRITE;
      case F_UNLCK -> UNLOCK;
      default -> throw new IllegalArgumentException("unknown lock type l_type=" + type);
    };
  }

  /** The Linux {@code l_type} value of this kind (for an {@code F_GETLK} reply). */
  public int posixType() {
    return switch (this) {
      case READ -> F_RDLCK;
      case WRITE -> F_WRLCK;
      case UNLOCK -> F_UNLCK;
    };
  }
}

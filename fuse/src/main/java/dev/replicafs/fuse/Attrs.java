package dev.replicafs.fuse;

import com.sun.security.auth.module.UnixSystem;
import java.time.Instant;
import ru.serce.jnrfuse.struct.FileStat;

/** Fills {@code struct stat} for the mount's files; owner is the mounting user. */
final class Attrs {
  private static final UnixSystem USER = new UnixSystem();

  private Attrs() {}

  static void file(FileStat st, int mode, long size, Instant mtime) {
    st.st_mode.set(FileStat.S_IFREG | mode);
    st.st_nlink.set(1);
    st.st_size.set(size);
    st.st_blksize.set(4096);
    st.st_blocks.set((size + 511) / 512);
    owner(st);
    times(st, mtime);
  }

  static void directory(FileStat st, int mode, Instant mtime) {
    st.st_mode.set(FileStat.S_IFDIR | mode);
    st.st_nlink.set(2);
    owner(st);
    times(st, mtime);
  }

  private static void owner(FileStat st) {
    st.st_uid.set(USER.getUid());
    st.st_gid.set(USER.getGid());
  }

  private static void times(FileStat st, Instant t) {
    st.st_mtim.tv_sec.set(t.getEpochSecond());
    st.st_mtim.tv_nsec.set(t.getNano());
    st.st_ctim.tv_sec.set(t.getEpochSecond());
    st.st_ctim.tv_nsec.set(t.getNano());
    st.st_atim.tv_sec.set(t.getEpochSecond());
    st.st_atim.tv_nsec.set(t.getNano());
  }
}

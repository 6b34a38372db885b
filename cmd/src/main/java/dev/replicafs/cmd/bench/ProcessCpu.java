package dev.replicafs.cmd.bench;

import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.Out;

/**
 * This process's CPU time (user and system, every thread, living or ended) in nanoseconds, from
 * {@code clock_gettime(CLOCK_PROCESS_CPUTIME_ID)}: {@code /proc/<pid>/stat} and the JDK's process
 * CPU time count in clock ticks of 10 ms, too coarse for the share of a bench round.
 */
public final class ProcessCpu {
  /** The libc call; public for jnr-ffi's generated binding. */
  public interface LibC {
    int clock_gettime(int clockId, @Out long[] timespec);
  }

  private static final int CLOCK_PROCESS_CPUTIME_ID = 2;
  private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");

  private ProcessCpu() {}

  static long nanos() {
    long[] ts = new long[2];
    if (LIBC.clock_gettime(CLOCK_PROCESS_CPUTIME_ID, ts) != 0) {
      throw new IllegalStateException("clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed");
    }
    return ts[0] * 1_000_000_000L + ts[1];
  }
}

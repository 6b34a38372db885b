package dev.replicafs.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link KernelCache} on a real mount ({@link PassthroughFs} in this JVM, pages kept in the kernel
 * across opens): a file changed behind the kernel's back is stale until invalidated, the node id
 * looked up through the mount is reused for a run of invalidations, and when the kernel forgot the
 * inode (and libfuse renumbered it) the kept id is replaced and the invalidation still reaches the
 * pages.
 */
class KernelCacheTest {
  @TempDir Path tmp;
  private Path back;
  private Path mnt;

  @org.junit.jupiter.api.BeforeEach
  void directories() throws Exception {
    back = Files.createDirectories(tmp.resolve("back"));
    mnt = Files.createDirectories(tmp.resolve("mnt"));
  }

  @BeforeAll
  static void prerequisites() {
    FuseSupport.requireFuse();
  }

  @Test
  void invalidationsReuseTheNodeIdAndFollowARenumberedInode() throws Exception {
    // ids kept for a minute: the renumbered inode below must be met with a kept, stale id
    PassthroughFs fs = passthrough(new KernelCache(mnt, Duration.ofMinutes(1)));
    try (FuseMount mount =
        FuseMount.mount(fs, MountOptions.defaults(mnt), Duration.ofSeconds(15))) {
      KernelCache cache = fs.cache();
      Files.writeString(back.resolve("f"), "one");
      assertThat(Files.readString(mnt.resolve("f"))).isEqualTo("one");

      // changed behind the kernel's back: the kept pages are served until invalidated
      Files.writeString(back.resolve("f"), "two");
      assertThat(Files.readString(mnt.resolve("f"))).isEqualTo("one");
      long before = cache.lookups();
      for (int i = 0; i < 50; i++) {
        assertThat(cache.invalidateData("f", 0, 0)).isTrue();
      }
      assertThat(cache.lookups() - before).as("one lookup for a run of invalidations").isOne();
      assertThat(Files.readString(mnt.resolve("f"))).isEqualTo("two");

      // The kernel forgets the inode (nothing holds it); libfuse numbers it anew on the next
      // lookup, and the pages read through that new inode are cached again.
      long oldId = cache.nodeId("f");
      long newId = oldId;
      for (int i = 0; i < 20 && newId == oldId; i++) {
        Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "2", StandardCharsets.US_ASCII);
        newId =
            ((Number) Files.getAttribute(mnt.resolve("f"), "unix:ino", LinkOption.NOFOLLOW_LINKS))
                .longValue();
      }
      assertThat(newId)
          .as("the kernel forgot the inode and libfuse renumbered it")
          .isNotEqualTo(oldId);
      assertThat(Files.readString(mnt.resolve("f"))).isEqualTo("two");
      Files.writeString(back.resolve("f"), "six");
      assertThat(Files.readString(mnt.resolve("f"))).isEqualTo("two");

      // the kept id is stale: the kernel answers ENOENT, the id is looked up again and the
      // notification retried
      before = cache.lookups();
      long stale = cache.staleIds();
      assertThat(cache.invalidateData("f", 0, 0)).isTrue();
      assertThat(cache.staleIds() - stale).isOne();
      assertThat(cache.lookups() - before).isOne();
      assertThat(Files.readString(mnt.resolve("f"))).isEqualTo("six");
    }
  }

  /**
   * Invalidations with a kept node id (no {@code lstat} that would fail first) racing the unmount:
   * libfuse frees the channel after the destroy callback, so a notification on it afterwards would
   * crash this JVM (SIGSEGV in {@code fuse_session_data}, seen once in CI before {@code detach}).
   */
  @Test
  void invalidationsRacingTheUnmountDoNotTouchTheFreedChannel() throws Exception {
    KernelCache cache = new KernelCache(mnt, Duration.ofMinutes(1));
    PassthroughFs fs = passthrough(cache);
    Hammer hammer;
    try (FuseMount mount =
        FuseMount.mount(fs, MountOptions.defaults(mnt), Duration.ofSeconds(15))) {
      hammer = Hammer.start(cache, back, mnt);
      hammer.awaitSent(1000);
    } // unmounts while the hammer runs
    hammer.awaitSent(hammer.sent.get() + 1000);
    hammer.close();
    assertThat(cache.attached()).isFalse();
    assertThat(cache.invalidateData("f", 0, 0)).as("nothing is cached without a mount").isFalse();
  }

  /**
   * An operator's {@code fusermount -u} while invalidations run: libfuse's loop ends and frees its
   * channel on its own schedule, with no {@code detach} first. The notifications go to the cache's
   * own duplicate of the {@code /dev/fuse} descriptor, so those after the unmount are answered
   * (nothing cached) instead of touching freed memory (with notifications through libfuse's
   * channel, this test crashed the JVM: SIGSEGV in {@code fuse_session_data}).
   */
  @Test
  void invalidationsAfterAnUnmountFromOutsideAreHarmless() throws Exception {
    KernelCache cache = new KernelCache(mnt, Duration.ofMinutes(1));
    PassthroughFs fs = passthrough(cache);
    try (FuseMount mount = FuseMount.mount(fs, MountOptions.defaults(mnt), Duration.ofSeconds(15));
        Hammer hammer = Hammer.start(cache, back, mnt)) {
      hammer.awaitSent(1000);
      Process p = new ProcessBuilder("fusermount", "-u", mnt.toString()).inheritIO().start();
      assertThat(p.waitFor()).as("fusermount -u").isZero();
      // libfuse's loop ends and its teardown frees the channel within these two seconds
      Thread.sleep(2000);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (hammer.uncached.get() < 1000 && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      assertThat(hammer.uncached.get())
          .as("notifications after the unmount are answered: nothing cached")
          .isGreaterThanOrEqualTo(1000);
      hammer.close();
      assertThat(hammer.failure.get()).isNull();
    }
    assertThat(cache.attached()).isFalse();
  }

  /**
   * A passthrough of {@code back} keeping pages across opens, invalidated through {@code cache}.
   */
  private PassthroughFs passthrough(KernelCache cache) {
    return new PassthroughFs(back, cache, name -> false, true);
  }

  /**
   * Invalidates file {@code f} of the mount in a loop on its own thread (the file is created and
   * read through the mount first, so its pages and id are cached), counting notifications sent and
   * those answered "nothing cached", and keeping the first failure.
   */
  private static final class Hammer implements AutoCloseable {
    final java.util.concurrent.atomic.AtomicLong sent =
        new java.util.concurrent.atomic.AtomicLong();
    final java.util.concurrent.atomic.AtomicLong uncached =
        new java.util.concurrent.atomic.AtomicLong();
    final java.util.concurrent.atomic.AtomicReference<Throwable> failure =
        new java.util.concurrent.atomic.AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicBoolean stop =
        new java.util.concurrent.atomic.AtomicBoolean();
    private final Thread thread;

    private Hammer(KernelCache cache) {
      thread =
          new Thread(
              () -> {
                while (!stop.get()) {
                  try {
                    if (!cache.invalidateData("f", 0, 0)) {
                      uncached.incrementAndGet();
                    }
                    sent.incrementAndGet();
                  } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                  }
                }
              });
    }

    static Hammer start(KernelCache cache, Path back, Path mnt) throws Exception {
      Files.writeString(back.resolve("f"), "one");
      assertThat(Files.readString(mnt.resolve("f"))).isEqualTo("one");
      assertThat(cache.invalidateData("f", 0, 0)).isTrue();
      Hammer h = new Hammer(cache);
      h.thread.start();
      return h;
    }

    void awaitSent(long n) throws InterruptedException {
      while (sent.get() < n) {
        Thread.sleep(1);
      }
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      thread.join(10_000);
    }
  }
}

package dev.replicafs.cmd.exec;

import dev.replicafs.cmd.config.ExecEntry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Runs the {@code exec} entries of the config as LiteFS does and supervises the last one.
 *
 * <p>Entries run in order, each split with {@link ShellWords} and started directly (no shell), with
 * stdin, stdout and stderr inherited. Entries with {@code if-candidate} are skipped on
 * non-candidates. Every entry but the last must exit 0, else {@link #run()} fails with an {@link
 * ExecException} naming the command and its code. The last is supervised: while it runs, SIGINT and
 * SIGTERM received by this JVM are forwarded to it (see {@link SignalForwarding} for why signal
 * handlers and not a shutdown hook), and {@link #run()} returns its exit code, which {@code
 * replicafs mount} then exits with. A child killed by a signal reports 128 + the signal number, as
 * a shell does.
 *
 * <p>A signal that arrives while an earlier entry runs is forwarded to that entry; no further entry
 * starts and {@link #run()} returns 128 + the signal number.
 *
 * <p>Note that Ctrl-C in a terminal sends SIGINT to the whole foreground process group, so the
 * child also receives it directly; LiteFS behaves the same.
 */
public final class ExecSupervisor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ExecSupervisor.class);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final List<ExecEntry> entries;
  private final boolean candidate;
  private final Object lock = new Object();
  private Process current;
  private String received;
  private boolean closed;

  /**
   * A supervisor for {@code entries} on a node that is ({@code candidate}) or is not a candidate.
   */
  public ExecSupervisor(List<ExecEntry> entries, boolean candidate) {
    this.entries = List.copyOf(entries);
    this.candidate = candidate;
  }

  /**
   * Runs every entry, forwarding SIGINT/SIGTERM to the running one, and returns the exit code of
   * the last entry run (0 when there is nothing to run).
   *
   * @throws ExecException when an entry cannot be parsed or started, or a non-last entry fails
   * @throws InterruptedException when the calling thread is interrupted (the child is stopped)
   */
  public int run() throws ExecException, InterruptedException {
    List<ExecEntry> runnable = entries.stream().filter(e -> candidate || !e.ifCandidate()).toList();
    for (ExecEntry skipped : entries) {
      if (!runnable.contains(skipped)) {
        log.info("exec skipped on non-candidate cmd=\"{}\"", skipped.cmd());
      }
    }
    if (runnable.isEmpty()) {
      return 0;
    }
    try (SignalForwarding signals = new SignalForwarding(this::signal)) {
      for (int i = 0; i < runnable.size(); i++) {
        ExecEntry entry = runnable.get(i);
        boolean last = i == runnable.size() - 1;
        Process process = start(entry.cmd());
        if (process == null) {
          return interruptedCode();
        }
        int code = await(process);
        synchronized (lock) {
          current = null;
        }
        if (last) {
          log.info("exec exited cmd=\"{}\" code={}", entry.cmd(), code);
          return code;
        }
        if (signalReceived()) {
          return interruptedCode();
        }
        if (code != 0) {
          throw new ExecException(
              "exec: \""
                  + entry.cmd()
                  + "\" exited with code "
                  + code
                  + "; every exec entry but the last must succeed, fix it or remove it");
        }
      }
      throw new IllegalStateException("unreachable: the last entry returns");
    }
  }

  /**
   * Forwards signal {@code name} ("INT" or "TERM") to the running entry, if any, and remembers it
   * so no further entry starts. Called by the signal handlers; the mount lifecycle may call it too.
   */
  public void signal(String name) {
    synchronized (lock) {
      if (received == null) {
        received = name;
      }
      if (current != null && current.isAlive()) {
        log.info("forwarding signal={} pid={}", name, current.pid());
        forward(current, name);
      }
    }
  }

  /** Stops a running entry (SIGTERM, then SIGKILL after a grace period). Idempotent. */
  @Override
  public void close() {
    Process process;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      received = received == null ? "TERM" : received;
      process = current;
    }
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
          log.warn("exec child ignored sigterm, killing pid={}", process.pid());
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  private Process start(String cmd) throws ExecException {
    List<String> argv;
    try {
      argv = ShellWords.split(cmd);
    } catch (IllegalArgumentException e) {
      throw new ExecException("exec: cannot parse \"" + cmd + "\": " + e.getMessage(), e);
    }
    if (argv.isEmpty()) {
      throw new ExecException("exec: empty command");
    }
    synchronized (lock) {
      if (received != null || closed) {
        return null;
      }
      try {
        log.info("exec starting cmd=\"{}\"", cmd);
        current = new ProcessBuilder(argv).inheritIO().start();
        return current;
      } catch (IOException e) {
        throw new ExecException(
            "exec: cannot start \"" + cmd + "\": " + e.getMessage() + " (is it on the PATH?)", e);
      }
    }
  }

  private static int await(Process process) throws InterruptedException {
    try {
      return process.waitFor();
    } catch (InterruptedException e) {
      process.destroy();
      throw e;
    }
  }

  private boolean signalReceived() {
    synchronized (lock) {
      return received != null;
    }
  }

  private int interruptedCode() {
    synchronized (lock) {
      return 128 + new Signal(received == null ? "TERM" : received).getNumber();
    }
  }

  private static void forward(Process process, String name) {
    if (name.equals("TERM")) {
      process.destroy(); // the JDK sends SIGTERM
      return;
    }
    try {
      new ProcessBuilder(
              "/bin/sh", "-c", "kill -s \"$0\" \"$1\"", name, Long.toString(process.pid()))
          .inheritIO()
          .start()
          .waitFor();
    } catch (IOException e) {
      log.warn("cannot forward signal={} pid={}", name, process.pid(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

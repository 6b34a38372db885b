package dev.replicafs.cmd.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Catches SIGINT and SIGTERM sent to this JVM and hands them to a callback instead of starting the
 * JVM's shutdown, until closed (which restores the previous handlers).
 *
 * <p>Why {@code sun.misc.Signal} (module {@code jdk.unsupported}, present in every JDK 17 build):
 * the supervisor must forward the signal to the child and then <em>wait</em> for the child's exit
 * code so that ReplicaFS can exit with it. A shutdown hook cannot do that reliably: it runs only
 * after the JVM has decided to exit with its own status (143 for SIGTERM), cannot change that
 * status, and races with every other hook. A signal handler replaces the JVM's default action, so
 * the main thread keeps control, waits for the child and returns its code. If the JVM runs with
 * {@code -Xrs}, or was started with SIGINT ignored (as background jobs of a non-interactive shell
 * are), the handler for that signal cannot be installed; that is logged and the JVM's default
 * behaviour stays.
 */
final class SignalForwarding implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SignalForwarding.class);

  /** The signals forwarded, as LiteFS forwards them. */
  static final List<String> SIGNALS = List.of("INT", "TERM");

  private final List<Signal> installed = new ArrayList<>();
  private final List<SignalHandler> previous = new ArrayList<>();
  private boolean closed;

  /** Installs handlers that call {@code onSignal} with the signal name ("INT" or "TERM"). */
  SignalForwarding(Consumer<String> onSignal) {
    for (String name : SIGNALS) {
      Signal signal = new Signal(name);
      try {
        SignalHandler old = Signal.handle(signal, s -> onSignal.accept(s.getName()));
        installed.add(signal);
        previous.add(old);
      } catch (IllegalArgumentException e) {
        log.warn("cannot forward signal, the jvm keeps its default action signal={}", name, e);
      }
    }
  }

  /** Restores the handlers that were in place before. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (int i = 0; i < installed.size(); i++) {
      Signal.handle(installed.get(i), previous.get(i));
    }
  }
}

package dev.replicafs.cmd.node;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One TCP link of a test network: listens on {@code listen} and forwards every connection to {@code
 * target}, both ways, with a fault a test switches at any time:
 *
 * <pre>
 *   OPEN ──cut()──► CUT      every open connection is reset (RST), the listener is closed, so a
 *     ▲               │      new connect is refused (ECONNREFUSED) until heal()
 *     └───heal()──────┘
 *   OPEN ──delay(min, max)──► SLOW   every chunk read (up to 16 KiB) is held min..max ms before it
 *     ▲                        │     is written on, in both directions, on open and new connections
 *     └──────heal()────────────┘
 * </pre>
 *
 * Unlike {@code dev.replicafs.lease.TcpProxy} (a black hole that keeps connections open), a cut
 * here fails fast, as a crashed peer or a rejecting firewall does. Threads are daemons named {@code
 * fault-link-*}; {@link #close()} resets everything and is idempotent.
 */
final class FaultLink implements AutoCloseable {
  /** What the link does to traffic now. */
  enum State {
    OPEN,
    CUT,
    SLOW
  }

  private final String name;
  private final InetSocketAddress listen;
  private final InetSocketAddress target;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private ServerSocket server;
  private Thread acceptor;
  private int port;
  private volatile State state = State.OPEN;
  private volatile int minDelayMs;
  private volatile int maxDelayMs;
  private boolean closed;

  private FaultLink(String name, InetSocketAddress listen, InetSocketAddress target) {
    this.name = name;
    this.listen = listen;
    this.target = target;
  }

  /** Starts forwarding {@code listen} (port 0: a free one) to {@code target}. */
  static FaultLink start(String name, InetSocketAddress listen, InetSocketAddress target)
      throws IOException {
    FaultLink link = new FaultLink(name, listen, target);
    link.bind(listen);
    return link;
  }

  /** The port clients connect to. */
  synchronized int port() {
    return port;
  }

  State state() {
    return state;
  }

  /**
   * Resets every connection and refuses new ones until {@link #heal()}. Returns once the listener
   * is gone: closing a {@code ServerSocket} whose accept is blocked in another thread does not stop
   * the kernel from completing connections at once (measured: 94 of 200 connects right after close
   * succeeded), so this waits for the accepting thread to end.
   */
  void cut() throws InterruptedException {
    Thread accepting;
    synchronized (this) {
      state = State.CUT;
      closeQuietly(server);
      server = null;
      resetAll();
      accepting = acceptor;
    }
    if (accepting != null) {
      accepting.join(10_000);
    }
  }

  /** Holds every chunk {@code minMs..maxMs} ms before forwarding it. */
  synchronized void delay(int minMs, int maxMs) throws IOException {
    if (state == State.CUT) {
      heal();
    }
    minDelayMs = minMs;
    maxDelayMs = maxMs;
    state = State.SLOW;
  }

  /** Back to {@link State#OPEN}: listens again (same port) and forwards without delay. */
  synchronized void heal() throws IOException {
    if (closed) {
      return;
    }
    if (server == null) {
      bind(new InetSocketAddress(listen.getAddress(), port));
    }
    state = State.OPEN;
  }

  private void bind(InetSocketAddress at) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(at, 50);
    server = s;
    port = s.getLocalPort();
    acceptor = new Thread(() -> accept(s), "fault-link-accept-" + name);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void accept(ServerSocket s) {
    while (!s.isClosed()) {
      Socket client;
      try {
        client = s.accept();
      } catch (IOException e) {
        return; // cut or closed
      }
      Socket upstream = new Socket();
      try {
        upstream.connect(target, 2_000);
      } catch (IOException e) {
        reset(client); // target down: the client sees what it would see without the link
        closeQuietly(upstream);
        continue;
      }
      if (!register(client, upstream)) {
        continue;
      }
      java.util.concurrent.atomic.AtomicInteger running =
          new java.util.concurrent.atomic.AtomicInteger(2);
      pump(client, upstream, running, "up");
      pump(upstream, client, running, "down");
    }
  }

  /** Tracks a new connection, or resets it if a cut came first (atomic with {@link #cut()}). */
  private synchronized boolean register(Socket client, Socket upstream) {
    if (state == State.CUT) {
      reset(client);
      reset(upstream);
      return false;
    }
    sockets.add(client);
    sockets.add(upstream);
    return true;
  }

  /**
   * Copies {@code from} to {@code to}; an end of stream is passed on as a FIN, an error as a reset.
   * The last of a connection's two pumps to end closes both sockets.
   */
  private void pump(
      Socket from, Socket to, java.util.concurrent.atomic.AtomicInteger running, String direction) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  if (state == State.SLOW) {
                    int min = minDelayMs;
                    int max = Math.max(min, maxDelayMs);
                    TimeUnit.MILLISECONDS.sleep(ThreadLocalRandom.current().nextInt(min, max + 1));
                  }
                  if (state == State.CUT) {
                    throw new IOException("link cut");
                  }
                  out.write(buffer, 0, n);
                  out.flush();
                }
                to.shutdownOutput(); // pass the FIN on
              } catch (IOException | InterruptedException e) {
                reset(to); // pass the reset on
                reset(from);
              } finally {
                if (running.decrementAndGet() == 0) {
                  sockets.remove(from);
                  sockets.remove(to);
                  closeQuietly(from);
                  closeQuietly(to);
                }
              }
            },
            "fault-link-" + direction + "-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  private void resetAll() {
    List<Socket> open = List.copyOf(sockets);
    sockets.removeAll(open);
    open.forEach(FaultLink::reset);
  }

  /** Closes with SO_LINGER 0: the peer gets a RST, as from a crashed host or a firewall. */
  private static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (IOException e) {
      // already closed
    }
    closeQuietly(s);
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      // already closed
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    state = State.CUT;
    closeQuietly(server);
    server = null;
    resetAll();
  }

  @Override
  public String toString() {
    return name + "=" + state + (state == State.SLOW ? minDelayMs + "-" + maxDelayMs + "ms" : "");
  }
}

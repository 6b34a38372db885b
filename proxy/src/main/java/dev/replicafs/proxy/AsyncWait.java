package dev.replicafs.proxy;

import io.undertow.server.Connectors;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.SameThreadExecutor;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.xnio.XnioExecutor;

/**
 * Parks an exchange until a {@link ClusterView} future completes or a deadline passes, without
 * holding a thread: the exchange is dispatched, the deadline is an XNIO timer on the exchange's I/O
 * thread, and whichever happens first resumes the exchange on that I/O thread as a root handler.
 * The future is cancelled on timeout so the view can drop the waiter.
 */
final class AsyncWait {

  private AsyncWait() {}

  /**
   * Waits for {@code future}; then runs the handler {@code next} builds from its value, or {@code
   * onTimeout} after {@code timeout} (or if the future fails).
   */
  static <T> void await(
      HttpServerExchange exchange,
      CompletableFuture<T> future,
      Duration timeout,
      Function<T, HttpHandler> next,
      HttpHandler onTimeout)
      throws Exception {
    if (future.isDone() && !future.isCompletedExceptionally()) {
      next.apply(future.join()).handleRequest(exchange);
      return;
    }
    AtomicBoolean resumed = new AtomicBoolean();
    exchange.dispatch(
        SameThreadExecutor.INSTANCE,
        () -> {
          XnioExecutor.Key timer =
              exchange
                  .getIoThread()
                  .executeAfter(
                      () -> {
                        if (resumed.compareAndSet(false, true)) {
                          future.cancel(false);
                          Connectors.executeRootHandler(onTimeout, exchange);
                        }
                      },
                      Math.max(0, timeout.toNanos()),
                      TimeUnit.NANOSECONDS);
          future.whenComplete(
              (value, error) -> {
                if (resumed.compareAndSet(false, true)) {
                  timer.remove();
                  HttpHandler handler = error == null ? next.apply(value) : onTimeout;
                  exchange
                      .getIoThread()
                      .execute(() -> Connectors.executeRootHandler(handler, exchange));
                }
              });
        });
  }
}

package dev.replicafs.proxy;

import java.util.concurrent.CompletableFuture;

/** Runs a blocking client call in the background so a test can act while it is in flight. */
final class Async {

  /** A call that may throw. */
  interface Call<T> {
    T call() throws Exception;
  }

  private Async() {}

  static <T> CompletableFuture<T> run(Call<T> call) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return call.call();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }
}

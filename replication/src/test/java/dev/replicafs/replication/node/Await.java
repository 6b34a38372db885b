package dev.replicafs.replication.node;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until a deadline (tests never sleep for a fixed time to wait for a state). */
final class Await {
  private Await() {}

  static void until(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
      }
      Thread.sleep(10);
    }
  }

  static void until(String what, BooleanSupplier condition) throws InterruptedException {
    until(what, Duration.ofSeconds(20), condition);
  }
}

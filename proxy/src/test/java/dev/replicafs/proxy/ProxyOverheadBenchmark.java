package dev.replicafs.proxy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Benchmark (not a test): latency a request gains by going through the proxy on loopback.
 *
 * <p>Four pairs, each measured interleaved (one direct request, one proxied) so machine noise hits
 * both sides alike, sequentially over one keep-alive JDK HttpClient connection per target:
 *
 * <ul>
 *   <li>read served locally: {@code GET /ping} direct to the app vs through the replica's proxy;
 *   <li>read with a satisfied {@code __txid} cookie (the TXID check on the hot path);
 *   <li>write on the primary: {@code POST /ping} direct vs through the primary's proxy (token
 *       stamped);
 *   <li>forwarded write: {@code POST /ping} direct to the primary's app vs through the replica's
 *       proxy, which forwards to the primary's proxy (two proxy hops).
 * </ul>
 *
 * Run: {@code mvn -q -pl proxy test-compile dependency:build-classpath
 * -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test} then {@code java -cp
 * proxy/target/classes:proxy/target/test-classes:$(cat proxy/target/cp.txt)
 * dev.replicafs.proxy.ProxyOverheadBenchmark [iterations]}.
 */
public final class ProxyOverheadBenchmark {

  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private ProxyOverheadBenchmark() {}

  public static void main(String[] args) throws Exception {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    Path dir = Files.createTempDirectory("proxy-bench");
    try (ProxyCluster c = ProxyCluster.start(dir, b -> b)) {
      URI primaryApp = URI.create("http://127.0.0.1:" + c.primary.app().port() + "/ping");
      URI replicaApp = URI.create("http://127.0.0.1:" + c.replica.app().port() + "/ping");
      String cookie = "__txid=" + TxidToken.format(0);
      System.out.printf(
          Locale.ROOT,
          "iterations=%d cores=%d%n| case | direct p50 | proxied p50 | direct p99 | proxied p99 |"
              + " added p50 | added p99 |%n|---|---|---|---|---|---|---|%n",
          iterations,
          Runtime.getRuntime().availableProcessors());
      compare("read, local", iterations, get(replicaApp), get(c.replica.url("/ping")));
      compare(
          "read, satisfied __txid cookie",
          iterations,
          get(replicaApp),
          get(c.replica.url("/ping")).header("Cookie", cookie));
      compare("write on primary", iterations, post(primaryApp), post(c.primary.url("/ping")));
      compare(
          "write forwarded replica→primary",
          iterations,
          post(primaryApp),
          post(c.replica.url("/ping")));
    }
  }

  private static HttpRequest.Builder get(URI uri) {
    return HttpRequest.newBuilder(uri).GET();
  }

  private static HttpRequest.Builder post(URI uri) {
    return HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString("x"));
  }

  private static void compare(
      String name, int iterations, HttpRequest.Builder direct, HttpRequest.Builder proxied)
      throws Exception {
    HttpRequest d = direct.build();
    HttpRequest p = proxied.build();
    int warmup = Math.max(1000, iterations / 4);
    for (int i = 0; i < warmup; i++) {
      time(d);
      time(p);
    }
    long[] dt = new long[iterations];
    long[] pt = new long[iterations];
    for (int i = 0; i < iterations; i++) {
      dt[i] = time(d);
      pt[i] = time(p);
    }
    Arrays.sort(dt);
    Arrays.sort(pt);
    System.out.printf(
        Locale.ROOT,
        "| %s | %.3f ms | %.3f ms | %.3f ms | %.3f ms | %.3f ms | %.3f ms |%n",
        name,
        ms(pct(dt, 50)),
        ms(pct(pt, 50)),
        ms(pct(dt, 99)),
        ms(pct(pt, 99)),
        ms(pct(pt, 50) - pct(dt, 50)),
        ms(pct(pt, 99) - pct(dt, 99)));
  }

  private static long time(HttpRequest request) throws Exception {
    long start = System.nanoTime();
    HttpResponse<byte[]> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());
    long elapsed = System.nanoTime() - start;
    if (r.statusCode() != 200) {
      throw new IllegalStateException("unexpected status " + r.statusCode() + " for " + request);
    }
    return elapsed;
  }

  private static long pct(long[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * p / 100.0) - 1)];
  }

  private static double ms(long nanos) {
    return nanos / 1_000_000.0;
  }
}

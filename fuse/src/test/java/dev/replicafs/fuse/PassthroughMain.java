package dev.replicafs.fuse;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs {@link PassthroughFs} (jnr-fuse, no store) in its own process for the benchmark: {@code
 * PassthroughMain <backing dir> <mount point>}; prints {@code ready}, answers {@code stats} and
 * {@code quit} like {@link ChildNode}.
 */
public final class PassthroughMain {
  private PassthroughMain() {}

  public static void main(String[] args) throws Exception {
    Path back = Path.of(args[0]);
    Path mnt = Path.of(args[1]).toAbsolutePath();
    Files.createDirectories(back);
    Files.createDirectories(mnt);
    PassthroughFs fs = new PassthroughFs(back, mnt, name -> false, true);
    try (FuseMount mount =
        FuseMount.mount(fs, MountOptions.defaults(mnt), Duration.ofSeconds(15))) {
      System.out.println("ready");
      System.out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null) {
        if (line.equals("quit")) {
          System.out.println("ok");
          return;
        }
        String answer = line.equals("stats") ? fs.requests.snapshot().toString() : "";
        fs.requests.reset();
        System.out.println("ok " + answer);
        System.out.flush();
      }
    }
  }
}

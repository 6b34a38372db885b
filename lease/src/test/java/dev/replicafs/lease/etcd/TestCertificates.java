package dev.replicafs.lease.etcd;

import dev.replicafs.lease.Prerequisite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away CA, a server certificate for 127.0.0.1 and a client certificate, made with the
 * {@code openssl} command (keys in PKCS#8 PEM, as etcd and Netty read them).
 */
public record TestCertificates(
    Path ca, Path serverCert, Path serverKey, Path clientCert, Path clientKey) {

  public static TestCertificates create(Path dir) throws IOException, InterruptedException {
    Prerequisite.require(
        Files.isExecutable(Paths.get("/usr/bin/openssl")),
        "the openssl command",
        "install it with `apt-get install openssl`");
    TestCertificates certs =
        new TestCertificates(
            dir.resolve("ca.pem"),
            dir.resolve("server.pem"),
            dir.resolve("server.key"),
            dir.resolve("client.pem"),
            dir.resolve("client.key"));
    Path serverExt = Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1\n");
    Path clientExt = Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
    openssl(
        dir,
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=replicafs-test-ca",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem");
    sign(dir, "server", "/CN=127.0.0.1", serverExt);
    sign(dir, "client", "/CN=replicafs-client", clientExt);
    return certs;
  }

  private static void sign(Path dir, String name, String subject, Path ext)
      throws IOException, InterruptedException {
    openssl(
        dir,
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        subject,
        "-keyout",
        name + ".key",
        "-out",
        name + ".csr");
    openssl(
        dir,
        "x509",
        "-req",
        "-in",
        name + ".csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "1",
        "-extfile",
        ext.toString(),
        "-out",
        name + ".pem");
  }

  private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("openssl.log").toFile())
            .start();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException(
          "openssl "
              + String.join(" ", args)
              + " failed: "
              + Files.readString(dir.resolve("openssl.log")));
    }
  }
}

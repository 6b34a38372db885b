package dev.replicafs.cmd.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code http.tls} section: TLS for the node API and for this node's connections to other
 * nodes. All fields absent means plain HTTP.
 *
 * @param certFile PEM certificate chain of this node
 * @param keyFile PEM private key of {@code certFile}
 * @param clientCaFile PEM CA bundle; when set, clients must present a certificate it signed (and
 *     this node verifies the servers it connects to against it)
 */
public record TlsConfig(Path certFile, Path keyFile, Path clientCaFile) {
  public TlsConfig {
    if ((certFile == null) != (keyFile == null)) {
      throw new ConfigException(
          certFile == null ? "http.tls.cert-file" : "http.tls.key-file",
          "http.tls.cert-file and http.tls.key-file must be set together");
    }
    if (clientCaFile != null && certFile == null) {
      throw new ConfigException(
          "http.tls.client-ca-file",
          "http.tls.client-ca-file needs http.tls.cert-file and http.tls.key-file as well");
    }
  }

  /** No TLS. */
  public static TlsConfig disabled() {
    return new TlsConfig(null, null, null);
  }

  /** True when a certificate is configured. */
  public boolean enabled() {
    return certFile != null;
  }

  /** The client CA file when client certificates are required. */
  public Optional<Path> clientCa() {
    return Optional.ofNullable(clientCaFile);
  }
}

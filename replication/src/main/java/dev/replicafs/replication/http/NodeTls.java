package dev.replicafs.replication.http;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for the node API ({@code http.tls.*}), loaded from PEM files once, at startup, so a bad file
 * fails the start with a message naming it. The same material serves both directions: the server
 * presents the node's certificate and, when {@link #requireClientCert()}, accepts only clients with
 * a certificate signed by the CA bundle; the client trusts the CA bundle (the JDK's default trust
 * store when there is none), checks the server's host name, and presents the node's certificate
 * when it has one.
 */
public final class NodeTls {
  private static final char[] NO_PASSWORD = new char[0];

  private final Optional<KeyManager[]> keys;
  private final Optional<TrustManager[]> trust;
  private final boolean requireClientCert;
  private final String description;

  private NodeTls(
      Optional<KeyManager[]> keys,
      Optional<TrustManager[]> trust,
      boolean requireClientCert,
      String description) {
    this.keys = keys;
    this.trust = trust;
    this.requireClientCert = requireClientCert;
    this.description = description;
  }

  /**
   * A node's TLS: its certificate chain and key, and optionally a CA bundle.
   *
   * @param certFile PEM certificate chain ({@code http.tls.cert-file})
   * @param keyFile PEM private key ({@code http.tls.key-file})
   * @param caFile PEM CA bundle ({@code http.tls.client-ca-file}): trusted for servers and clients
   * @param requireClientCert whether the server refuses clients without a certificate from {@code
   *     caFile} (mTLS); requires {@code caFile}
   * @throws IOException when a file is missing or not valid PEM, naming it
   */
  public static NodeTls load(
      Path certFile, Path keyFile, Optional<Path> caFile, boolean requireClientCert)
      throws IOException {
    Objects.requireNonNull(certFile, "certFile");
    Objects.requireNonNull(keyFile, "keyFile");
    if (requireClientCert && caFile.isEmpty()) {
      throw new IllegalArgumentException("client certificates need a CA file to verify them");
    }
    return new NodeTls(
        Optional.of(keyManagers(certFile, keyFile)),
        caFile.isPresent() ? Optional.of(trustManagers(caFile.get())) : Optional.empty(),
        requireClientCert,
        "cert=" + certFile + " ca=" + caFile.map(Path::toString).orElse("jdk-default"));
  }

  /** Client-only TLS that trusts {@code caFile} and presents no certificate (tools, tests). */
  public static NodeTls trusting(Path caFile) throws IOException {
    return new NodeTls(Optional.empty(), Optional.of(trustManagers(caFile)), false, "ca=" + caFile);
  }

  /** Whether the server requires a client certificate. */
  public boolean requireClientCert() {
    return requireClientCert;
  }

  /** The server's context; needs a certificate. */
  SSLContext serverContext() {
    if (keys.isEmpty()) {
      throw new IllegalStateException("a TLS server needs a certificate and key");
    }
    return context();
  }

  /** The client's context. */
  SSLContext clientContext() {
    return context();
  }

  private SSLContext context() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(keys.orElse(null), trust.orElse(null), null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a TLS context: " + e.getMessage(), e);
    }
  }

  private static KeyManager[] keyManagers(Path certFile, Path keyFile) throws IOException {
    List<X509Certificate> chain = PemFiles.certificates(certFile);
    PrivateKey key = PemFiles.privateKey(keyFile);
    if (!matches(key, chain.get(0))) {
      throw new IOException(
          "the key in " + keyFile + " does not belong to the certificate in " + certFile);
    }
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("node", key, NO_PASSWORD, chain.toArray(new X509Certificate[0]));
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, NO_PASSWORD);
      return kmf.getKeyManagers();
    } catch (GeneralSecurityException e) {
      throw new IOException(
          "the key in " + keyFile + " does not fit the certificate in " + certFile + ": " + e, e);
    }
  }

  /** Signs a nonce with {@code key} and verifies it with the certificate's public key. */
  private static boolean matches(PrivateKey key, X509Certificate cert) throws IOException {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> key.getAlgorithm();
        };
    try {
      byte[] nonce = new byte[32];
      new SecureRandom().nextBytes(nonce);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(nonce);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(nonce);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static TrustManager[] trustManagers(Path caFile) throws IOException {
    List<X509Certificate> cas = PemFiles.certificates(caFile);
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        ks.setCertificateEntry("ca-" + i, cas.get(i));
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      return tmf.getTrustManagers();
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot use the CA bundle " + caFile + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "NodeTls[" + description + ", requireClientCert=" + requireClientCert + "]";
  }
}

package dev.replicafs.replication.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The shared cluster token ({@code http.token}): every node sends it as {@code Authorization:
 * Bearer <token>} and every node API endpoint but {@code /info} and {@code /metrics} requires it.
 * Only the SHA-256 digest of the token is compared, with {@link MessageDigest#isEqual}, so the
 * comparison takes the same time whatever the presented value and its length. The token is never
 * printed: {@link #toString()} is redacted.
 */
public final class ClusterToken {
  private static final String SCHEME = "Bearer ";

  private final String token;
  private final byte[] digest;

  /**
   * @param token the token: printable ASCII without spaces (it travels in an HTTP header)
   */
  public ClusterToken(String token) {
    Objects.requireNonNull(token, "token");
    if (token.isEmpty()) {
      throw new IllegalArgumentException("cluster token is empty");
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        throw new IllegalArgumentException(
            "cluster token may only hold printable ASCII characters without spaces");
      }
    }
    this.token = token;
    this.digest = sha256(token);
  }

  /** The value of the {@code Authorization} header a client sends. */
  public String authorization() {
    return SCHEME + token;
  }

  /** Whether an {@code Authorization} header value (null when absent) carries this token. */
  public boolean accepts(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(digest, sha256(authorization.substring(SCHEME.length()).strip()));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "ClusterToken[(redacted)]";
  }
}

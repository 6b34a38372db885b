package dev.replicafs.lease;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Who the primary is: the hostname other nodes and the proxy use for it, and the URL of its node
 * API. Stored as the value of the lease key in every coordinated backend.
 *
 * <p>Wire format (JSON, the same key names as LiteFS so mixed tooling can read it):
 *
 * <pre>{"hostname":"node-a","advertise-url":"http://node-a:20202"}</pre>
 *
 * Unknown keys are ignored when reading.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PrimaryInfo(
    @JsonProperty("hostname") String hostname, @JsonProperty("advertise-url") String advertiseUrl) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Validates both fields: a primary is unusable without a name and a URL to reach it. */
  public PrimaryInfo {
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(advertiseUrl, "advertiseUrl");
    if (hostname.isBlank()) {
      throw new IllegalArgumentException("primary hostname must not be blank (set lease.hostname)");
    }
    if (advertiseUrl.isBlank()) {
      throw new IllegalArgumentException(
          "primary advertise URL must not be blank (set lease.advertise-url)");
    }
  }

  /** The JSON encoding stored under the lease key. */
  public byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode primary info", e);
    }
  }

  /**
   * Decodes the value of a lease key.
   *
   * @throws IllegalArgumentException when the bytes are not a primary info document
   */
  public static PrimaryInfo fromJson(byte[] json) {
    try {
      return JSON.readValue(json, PrimaryInfo.class);
    } catch (java.io.IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "lease key does not hold primary info JSON: " + new String(json, StandardCharsets.UTF_8),
          e);
    }
  }
}

package dev.replicafs.lease.consul;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.replicafs.lease.LeaseUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Creates Consul sessions <em>without health checks</em> ({@code PUT /v1/session/create} with
 * {@code "Checks": []} and {@code "NodeChecks": []}), as LiteFS's {@code CreateNoChecks}. The
 * kiwiproject client cannot send this: its JSON mapper drops empty lists, and a session created
 * without the key gets Consul's default {@code serfHealth} check, which fails on the catalog node
 * registered for a key prefix and would tie the lease to the agent's gossip health. So this one
 * call goes through the JDK HTTP client; everything else uses the library.
 */
final class ConsulSessions {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final ConsulUrl url;
  private final HttpClient http;

  ConsulSessions(ConsulUrl url) {
    this.url = url;
    this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  }

  /**
   * @param node the catalog node to attach the session to, or empty for the agent's own node
   * @return the session ID
   */
  String create(String name, Optional<String> node, Duration ttl, Duration lockDelay)
      throws LeaseUnavailableException {
    ObjectNode body = JSON.createObjectNode();
    body.put("Name", name);
    body.put("Behavior", "delete");
    body.put("TTL", ttl.toSeconds() + "s");
    body.put("LockDelay", lockDelay.toMillis() + "ms");
    node.ifPresent(n -> body.put("Node", n));
    body.putArray("Checks");
    body.putArray("NodeChecks");
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url.address() + "/v1/session/create"))
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body.toString()));
    url.token().ifPresent(token -> request.header("X-Consul-Token", token));
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new LeaseUnavailableException(
          "consul session create failed (" + url.address() + "): " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LeaseUnavailableException("consul session create interrupted", e);
    }
    if (response.statusCode() != 200) {
      throw new LeaseUnavailableException(
          "consul session create failed ("
              + url.address()
              + "): HTTP "
              + response.statusCode()
              + " "
              + response.body().strip(),
          null);
    }
    try {
      JsonNode created = JSON.readTree(response.body());
      String id = created.path("ID").asText("");
      if (id.isEmpty()) {
        throw new IOException("no ID in " + response.body());
      }
      return id;
    } catch (IOException e) {
      throw new LeaseUnavailableException(
          "consul session create (" + url.address() + ") answered without a session ID", e);
    }
  }
}

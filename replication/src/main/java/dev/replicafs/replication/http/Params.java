package dev.replicafs.replication.http;

import dev.replicafs.replication.store.DatabaseName;
import dev.replicafs.replication.store.InvalidDatabaseNameException;
import io.undertow.server.HttpServerExchange;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;

/** Query parameter parsing shared by the endpoints; every refusal is a 400 with its reason. */
final class Params {
  private Params() {}

  /** The single, valid {@code name} parameter. */
  static String name(HttpServerExchange exchange) throws ApiException {
    String raw = single(exchange, "name");
    if (raw == null || raw.isEmpty()) {
      throw ApiException.badRequest("missing query parameter: name (the database name)");
    }
    return validName(raw);
  }

  /** The {@code filter} parameter as a set of valid names; empty = no filter. */
  static Set<String> filter(HttpServerExchange exchange) throws ApiException {
    String raw = single(exchange, "filter");
    Set<String> out = new LinkedHashSet<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String part : raw.split(",", -1)) {
      out.add(validName(part));
    }
    return out;
  }

  static String single(HttpServerExchange exchange, String key) throws ApiException {
    Deque<String> values = exchange.getQueryParameters().get(key);
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw ApiException.badRequest("query parameter " + key + " given more than once");
    }
    return values.getFirst();
  }

  static String validName(String raw) throws ApiException {
    try {
      return DatabaseName.validate(raw);
    } catch (InvalidDatabaseNameException e) {
      throw ApiException.badRequest("invalid database name: " + e.getMessage());
    }
  }
}

package dev.replicafs.proxy;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.Cookie;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.StatusCodes;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;

/**
 * The read-your-writes token: the primary's TXID of {@code proxy.db} after a write, as 16
 * lower-case hex digits (LiteFS's {@code %016x}).
 *
 * <p>Wire format. Response to a write served by the primary: {@code Set-Cookie: __txid=<hex>;
 * Path=/; Expires=<now+cookie-expiry>; HttpOnly} and {@code ReplicaFS-TXID: <hex>} (not on a 101
 * upgrade). A later read may carry either the cookie (browsers) or the header (API clients copy
 * it); when both are present the larger TXID wins. A value that is not hex is ignored, as in
 * LiteFS.
 */
final class TxidToken {

  static final String COOKIE = "__txid";
  static final HttpString HEADER = new HttpString("ReplicaFS-TXID");

  private TxidToken() {}

  /** The TXID a read asks to see, if it carries a valid cookie or header. */
  static OptionalLong requested(HttpServerExchange exchange) {
    OptionalLong fromHeader = parse(exchange.getRequestHeaders().getFirst(HEADER));
    Cookie cookie = exchange.getRequestCookie(COOKIE);
    OptionalLong fromCookie = cookie == null ? OptionalLong.empty() : parse(cookie.getValue());
    if (fromHeader.isPresent() && fromCookie.isPresent()) {
      return OptionalLong.of(Math.max(fromHeader.getAsLong(), fromCookie.getAsLong()));
    }
    return fromHeader.isPresent() ? fromHeader : fromCookie;
  }

  /**
   * Adds the cookie and header to the response just before it is committed, with the TXID the
   * database has at that moment (the app has finished its write by then), if {@code servedLocally}
   * says the local app (on the primary) answered.
   */
  static void stampOnCommit(
      HttpServerExchange exchange,
      ClusterView view,
      String db,
      Clock clock,
      Duration expiry,
      BooleanSupplier servedLocally) {
    exchange.addResponseCommitListener(
        ex -> {
          if (!servedLocally.getAsBoolean()
              || ex.getStatusCode() == StatusCodes.SWITCHING_PROTOCOLS) {
            return;
          }
          OptionalLong txid = view.txid(db);
          if (txid.isEmpty()) {
            return;
          }
          String hex = format(txid.getAsLong());
          HeaderMap headers = ex.getResponseHeaders();
          headers.put(HEADER, hex);
          headers.add(Headers.SET_COOKIE, cookie(hex, clock, expiry));
        });
  }

  static String format(long txid) {
    return String.format("%016x", txid);
  }

  static OptionalLong parse(String value) {
    if (value == null || value.isBlank() || value.length() > 16) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseUnsignedLong(value.trim(), 16));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  private static String cookie(String hex, Clock clock, Duration expiry) {
    String expires =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            clock.instant().plus(expiry).atOffset(ZoneOffset.UTC));
    return COOKIE + "=" + hex + "; Path=/; Expires=" + expires + "; HttpOnly";
  }
}

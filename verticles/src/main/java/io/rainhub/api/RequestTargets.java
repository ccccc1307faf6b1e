package io.rainhub.api;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Refuses a request target whose path or query cannot be decoded (a '%' not followed by two hex
 * digits, or bytes that are not UTF-8) with 400, before any route decodes it: Netty and Vert.x Web
 * throw on such input wherever they decode, which would otherwise surface as a 500.
 */
final class RequestTargets implements Handler<RoutingContext> {

  @Override
  public void handle(RoutingContext ctx) {
    String uri = ctx.request().uri();
    int query = uri.indexOf('?');
    String fault = query < 0 ? fault("path", uri) : orElse(fault("path", uri.substring(0, query)),
        fault("query", uri.substring(query + 1)));
    if (fault != null) {
      ctx.fail(new ProblemException(new Problem(400, "Malformed request target", "The request's " + fault
          + ": '%' must be followed by two hex digits and the decoded bytes must be UTF-8.",
          List.of(new Problem.InvalidParam(fault.startsWith("path") ? "path" : "query",
              "malformed percent-encoding")))));
      return;
    }
    ctx.next();
  }

  private static String orElse(String first, String second) {
    return first != null ? first : second;
  }

  /** Why {@code part} does not decode, or null when it does. */
  static String fault(String name, String part) {
    if (part.indexOf('%') < 0) {
      return null;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(part.length());
    for (int i = 0; i < part.length(); i++) {
      char c = part.charAt(i);
      if (c == '%') {
        if (i + 2 >= part.length() || Character.digit(part.charAt(i + 1), 16) < 0
            || Character.digit(part.charAt(i + 2), 16) < 0) {
          return name + " has an incomplete or invalid percent-escape";
        }
        bytes.write(Character.digit(part.charAt(i + 1), 16) * 16 + Character.digit(part.charAt(i + 2), 16));
        i += 2;
      } else {
        byte[] raw = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(raw, 0, raw.length);
      }
    }
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()));
      return null;
    } catch (CharacterCodingException notUtf8) {
      return name + " decodes to bytes that are not UTF-8";
    }
  }
}

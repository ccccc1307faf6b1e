package io.rainhub.hypervisor;

import java.util.Collection;
import java.util.regex.Pattern;

/**
 * A URL pattern as rain servers and web components declare them: an exact path ({@code /shop/cart})
 * or a prefix ending in {@code *} ({@code /shop/*}, {@code /*}).
 */
public record UrlPattern(String text) {

  /** Starts with '/', no spaces or '?', at most one '*' and only at the end. */
  public static final Pattern SYNTAX = Pattern.compile("/[^\\s*?#]{0,254}\\*?");
  public static final String RULE = "must be a path starting with '/', optionally ending in '*' (e.g. /shop/*)";

  public boolean isPrefix() {
    return text.endsWith("*");
  }

  private String prefix() {
    return isPrefix() ? text.substring(0, text.length() - 1) : text;
  }

  /** True when some URL matches both patterns. */
  public boolean overlaps(UrlPattern other) {
    if (isPrefix() && other.isPrefix()) {
      return prefix().startsWith(other.prefix()) || other.prefix().startsWith(prefix());
    }
    if (isPrefix()) {
      return other.text.startsWith(prefix());
    }
    if (other.isPrefix()) {
      return text.startsWith(other.prefix());
    }
    return text.equals(other.text);
  }

  /** True when {@code url} (a path, query ignored) matches this pattern. */
  public boolean matches(String url) {
    int query = url.indexOf('?');
    String path = query < 0 ? url : url.substring(0, query);
    return isPrefix() ? path.startsWith(prefix()) : path.equals(text);
  }

  public static boolean anyOverlap(Collection<UrlPattern> left, Collection<UrlPattern> right) {
    for (UrlPattern a : left) {
      for (UrlPattern b : right) {
        if (a.overlaps(b)) {
          return true;
        }
      }
    }
    return false;
  }
}

package io.rainhub.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A statement with {@code #{name}} parameters, parsed once and rendered once per dialect, so hot
 * paths pay for neither (SqlTemplate parses its template on every use).
 */
public final class NamedSql {

  private static final Pattern PARAMETER = Pattern.compile("#\\{([A-Za-z0-9_]+)}");

  private final String template;
  private final List<String> names;
  private final String[] rendered = new String[SqlDialect.values().length];

  private NamedSql(String template) {
    this.template = template;
    List<String> found = new ArrayList<>();
    Matcher matcher = PARAMETER.matcher(template);
    while (matcher.find()) {
      found.add(matcher.group(1));
    }
    this.names = List.copyOf(found);
    for (SqlDialect dialect : SqlDialect.values()) {
      StringBuilder sql = new StringBuilder();
      Matcher m = PARAMETER.matcher(template);
      int index = 0;
      while (m.find()) {
        m.appendReplacement(sql, Matcher.quoteReplacement(dialect.placeholder(++index)));
      }
      m.appendTail(sql);
      rendered[dialect.ordinal()] = sql.toString();
    }
  }

  public static NamedSql of(String template) {
    return new NamedSql(template);
  }

  /** The SQL with the dialect's positional placeholders. */
  public String sql(SqlDialect dialect) {
    return rendered[dialect.ordinal()];
  }

  /** Parameter values in placeholder order; a name missing from {@code params} is a bug, not a null. */
  public Object[] values(Map<String, Object> params) {
    Object[] values = new Object[names.size()];
    for (int i = 0; i < values.length; i++) {
      String name = names.get(i);
      if (!params.containsKey(name)) {
        throw new IllegalArgumentException("no value for #{" + name + "} in: " + template);
      }
      values[i] = params.get(name);
    }
    return values;
  }

  @Override
  public String toString() {
    return template;
  }
}

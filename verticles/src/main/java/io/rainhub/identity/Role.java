package io.rainhub.identity;

import java.util.Locale;
import java.util.Optional;

/** What a user may do: admins manage the hub; users use the cloud API of their tenant. */
public enum Role {
  ADMIN, USER;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Role> parse(String value) {
    for (Role role : values()) {
      if (role.id().equals(value)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }
}

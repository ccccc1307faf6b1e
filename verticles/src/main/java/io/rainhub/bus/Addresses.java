package io.rainhub.bus;

/** Every event-bus address of the hub, in one place. Payloads are JSON so they survive a clustered bus. */
public final class Addresses {

  /** {username, password} → {userId, username, tenant, roles}; fails 401 on bad credentials. */
  public static final String IDENTITY_AUTHENTICATE = "identity.authenticate";
  /** {name} → tenant; fails 409 when the name is taken. */
  public static final String IDENTITY_TENANT_CREATE = "identity.tenant.create";
  /** {} → {items: [tenant]} */
  public static final String IDENTITY_TENANT_LIST = "identity.tenant.list";
  /** {username, password, tenant, roles} → user; fails 409 on a taken username, 400 on an unknown tenant. */
  public static final String IDENTITY_USER_CREATE = "identity.user.create";
  /** {} → {items: [user]} */
  public static final String IDENTITY_USER_LIST = "identity.user.list";

  private Addresses() {
  }
}

package io.rainhub.api;

import io.vertx.ext.auth.authorization.OrAuthorization;
import io.vertx.ext.auth.authorization.PermissionBasedAuthorization;
import io.vertx.ext.auth.jwt.authorization.JWTAuthorization;
import io.vertx.ext.web.handler.AuthorizationHandler;

/**
 * Role checks on routes: the token's {@code roles} claim must hold the role, else 403.
 * {@link JWTAuthorization} exposes each claim value as a permission, hence the permission check.
 */
public final class Roles {

  public static final String CLAIM = "roles";
  static final String ADMIN = "admin";
  static final String USER = "user";
  /** Node agents: their tokens open the agent gateway, not the API people use. */
  public static final String AGENT = "agent";

  private Roles() {
  }

  /** Any one of {@code roles}. */
  static AuthorizationHandler requireAny(String... roles) {
    OrAuthorization any = OrAuthorization.create();
    for (String role : roles) {
      any.addAuthorization(PermissionBasedAuthorization.create(role));
    }
    return AuthorizationHandler.create(any).addAuthorizationProvider(JWTAuthorization.create(CLAIM));
  }

  static AuthorizationHandler require(String role) {
    return AuthorizationHandler.create(PermissionBasedAuthorization.create(role))
        .addAuthorizationProvider(JWTAuthorization.create(CLAIM));
  }
}

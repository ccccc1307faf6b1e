package io.rainhub.api;

import io.vertx.ext.auth.authorization.PermissionBasedAuthorization;
import io.vertx.ext.auth.jwt.authorization.JWTAuthorization;
import io.vertx.ext.web.handler.AuthorizationHandler;

/**
 * Role checks on routes: the token's {@code roles} claim must hold the role, else 403.
 * {@link JWTAuthorization} exposes each claim value as a permission, hence the permission check.
 */
final class Roles {

  static final String CLAIM = "roles";

  private Roles() {
  }

  static AuthorizationHandler require(String role) {
    return AuthorizationHandler.create(PermissionBasedAuthorization.create(role))
        .addAuthorizationProvider(JWTAuthorization.create(CLAIM));
  }
}

package io.rainhub.identity;

import io.rainhub.bus.Addresses;
import io.rainhub.bus.Caller;
import io.rainhub.bus.BusFailure;
import io.rainhub.store.DatabaseConfig;
import io.rainhub.store.EventLog;
import io.rainhub.store.Store;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns tenants and users: creates them, lists them, checks passwords. Answers over the event bus;
 * the API verticle validates requests before they get here and turns answers into tokens.
 */
public class IdentityVerticle extends VerticleBase {

  public static final String SYSTEM_TENANT = "system";
  public static final String ADMIN_USERNAME = "admin";
  public static final String ADMIN_PASSWORD_FILE = "admin-password.txt";

  private static final Logger LOG = LoggerFactory.getLogger(IdentityVerticle.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Login throttling (see {@link LoginThrottle}); the cap defaults to 60 times the base. */
  public static final long DEFAULT_THROTTLE_BASE_MILLIS = 1_000;
  private static final long THROTTLE_SWEEP_MILLIS = 60_000;

  private Store store;
  private PasswordHasher hasher;
  private LoginThrottle throttle;

  @Override
  public Future<?> start() {
    JsonObject conf = config();
    store = Store.open(vertx, DatabaseConfig.fromJson(conf.getJsonObject("database")));
    var bus = vertx.eventBus();
    long throttleBase = conf.getLong("loginThrottleBaseMillis", DEFAULT_THROTTLE_BASE_MILLIS);
    throttle = new LoginThrottle(LoginThrottle.Limits.of(throttleBase,
        conf.getLong("loginThrottleCapMillis", 60 * throttleBase)), () -> System.nanoTime() / 1_000_000);
    vertx.setPeriodic(THROTTLE_SWEEP_MILLIS, tick -> throttle.sweep());
    return PasswordHasher.create(vertx, conf.getInteger("pbkdf2Iterations", PasswordHasher.DEFAULT_ITERATIONS),
            conf.getInteger("passwordWorkers", PasswordHasher.DEFAULT_WORKERS),
            conf.getInteger("passwordQueue", PasswordHasher.DEFAULT_QUEUE))
        .compose(created -> {
          hasher = created;
          return ensureAdmin(conf.getString("adminPassword"), Path.of(conf.getString("dataDir")));
        })
        .compose(ready -> Future.join(java.util.List.of(
            // Local: the throttle's memory is this hub's, so its own API asks it (see README, "Login throttling").
            bus.<JsonObject>localConsumer(Addresses.IDENTITY_AUTHENTICATE, this::authenticate).completion(),
            bus.<JsonObject>consumer(Addresses.IDENTITY_TENANT_CREATE, this::createTenant).completion(),
            bus.<JsonObject>consumer(Addresses.IDENTITY_TENANT_LIST, this::listTenants).completion(),
            bus.<JsonObject>consumer(Addresses.IDENTITY_USER_CREATE, this::createUser).completion(),
            bus.<JsonObject>consumer(Addresses.IDENTITY_USER_LIST, this::listUsers).completion(),
            bus.<JsonObject>consumer(Addresses.IDENTITY_AGENT_TOKEN_CREATE, this::createAgentToken).completion(),
            bus.<JsonObject>consumer(Addresses.IDENTITY_AGENT_TOKEN_LIST, this::listAgentTokens).completion(),
            bus.<JsonObject>consumer(Addresses.IDENTITY_AGENT_TOKEN_REVOKE, this::revokeAgentToken).completion(),
            bus.<JsonObject>consumer(Addresses.IDENTITY_AGENT_TOKEN_CHECK, this::checkAgentToken).completion())));
  }

  @Override
  public Future<?> stop() {
    return Future.join(store.close(), hasher == null ? Future.succeededFuture() : hasher.close());
  }

  /**
   * Throttled first, in memory: a refused attempt costs no database read and no PBKDF2. Unknown
   * names and wrong passwords take the same path and the same time.
   */
  private void authenticate(Message<JsonObject> message) {
    String username = message.body().getString("username");
    String password = message.body().getString("password");
    LoginThrottle.Admission admission = throttle.admit(username, message.body().getString("source", "unknown"));
    if (!admission.admitted()) {
      long seconds = Math.max(1, (admission.retryAfterMillis() + 999) / 1000);
      answer(message, Future.failedFuture(BusFailure.of(429, "Too many failed logins for this account or from"
          + " this address; try again in " + seconds + " s.", null, new JsonObject().put("retryAfterSeconds", seconds))));
      return;
    }
    answer(message, IdentityRepository.userByName(store.pool(), username)
        .compose(user -> hasher.verify(user.map(User::passwordHash).orElse(null), password)
            .compose(valid -> valid
                ? Future.succeededFuture(user.get())
                : Future.failedFuture(BusFailure.of(401, "Unknown username or wrong password.", null))))
        .onComplete(checked -> {
          if (checked.succeeded()) {
            throttle.succeeded(admission);
          } else if (checked.cause() instanceof ReplyException wrong && wrong.failureCode() == 401) {
            throttle.failed(admission);
          } else {
            throttle.refund(admission);
          }
        })
        .recover(failure -> Future.failedFuture(failure instanceof PasswordHasher.Busy
            ? BusFailure.of(503, "The hub is busy checking other passwords; try again in 1 s.", null,
                new JsonObject().put("retryAfterSeconds", 1))
            : failure))
        .map(user -> new JsonObject().put("userId", user.id()).put("username", user.username())
            .put("tenant", user.tenantName()).put("tenantId", user.tenantId()).put("roles", user.rolesJson())));
  }

  private void createTenant(Message<JsonObject> message) {
    Tenant tenant = new Tenant(UUID.randomUUID().toString(), message.body().getString("name"), now());
    answer(message, insertTenant(tenant, Caller.actorOf(message.body()))
        .recover(duplicate("A tenant named '" + tenant.name() + "' already exists.", "name"))
        .map(done -> tenant.toJson()));
  }

  /** Users read their own tenant only: the names of other tenants are theirs to keep. */
  private void listTenants(Message<JsonObject> message) {
    Caller caller = Caller.of(message.body());
    answer(message, IdentityRepository.allTenants(store.pool())
        .map(tenants -> new JsonObject().put("items", new JsonArray(tenants.stream()
            .filter(tenant -> caller.mayAct(tenant.id())).map(Tenant::toJson).toList()))));
  }

  private void createUser(Message<JsonObject> message) {
    JsonObject body = message.body();
    String tenantName = body.getString("tenant");
    List<Role> roles = body.getJsonArray("roles").stream()
        .map(role -> Role.parse((String) role).orElseThrow()).distinct().toList();
    answer(message, IdentityRepository.tenantByName(store.pool(), tenantName)
        .compose(tenant -> tenant.isPresent()
            ? hasher.hash(body.getString("password")).map(hash -> new User(UUID.randomUUID().toString(),
                body.getString("username"), hash, tenant.get().id(), tenant.get().name(), roles, now()))
            : Future.failedFuture(BusFailure.of(400, "No tenant named '" + tenantName + "'.", "tenant")))
        .compose(user -> insertUser(user, Caller.actorOf(body))
            .recover(duplicate("A user named '" + user.username() + "' already exists.", "username"))
            .map(done -> user.toJson())));
  }

  /** Users read the users of their own tenant; admins read all. */
  private void listUsers(Message<JsonObject> message) {
    Caller caller = Caller.of(message.body());
    answer(message, IdentityRepository.allUsers(store.pool())
        .map(users -> new JsonObject().put("items", new JsonArray(users.stream()
            .filter(user -> caller.mayAct(user.tenantId())).map(User::toJson).toList()))));
  }

  private void createAgentToken(Message<JsonObject> message) {
    JsonObject body = message.body();
    OffsetDateTime now = now();
    AgentToken token = new AgentToken(UUID.randomUUID().toString(), body.getString("name"),
        body.getString("createdBy"), now, now.plusDays(body.getInteger("ttlDays")), null);
    answer(message, store.inTransaction(tx -> IdentityRepository.insertAgentToken(tx, token)
            .compose(done -> EventLog.append(tx, "agenttoken.created", "agenttoken/" + token.id(), null,
                token.toJson(), Caller.actorOf(body))))
        .map(done -> token.toJson()));
  }

  private void listAgentTokens(Message<JsonObject> message) {
    answer(message, IdentityRepository.allAgentTokens(store.pool())
        .map(tokens -> new JsonObject().put("items", new JsonArray(tokens.stream().map(AgentToken::toJson).toList()))));
  }

  private void revokeAgentToken(Message<JsonObject> message) {
    String id = message.body().getString("id");
    answer(message, IdentityRepository.agentToken(store.pool(), id).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(BusFailure.of(404, "No agent token " + id + ".", null));
      }
      AgentToken token = found.get();
      if (token.revokedAt() != null) {
        return Future.succeededFuture(token.toJson());
      }
      AgentToken revoked = new AgentToken(token.id(), token.name(), token.createdBy(), token.createdAt(),
          token.expiresAt(), now());
      return store.inTransaction(tx -> IdentityRepository.revokeAgentToken(tx, id, revoked.revokedAt())
              .compose(done -> EventLog.append(tx, "agenttoken.revoked", "agenttoken/" + id, null, revoked.toJson(),
                  Caller.actorOf(message.body()))))
          .map(done -> revoked.toJson())
          // Sessions opened with it close now, not at their next connect.
          .onSuccess(done -> vertx.eventBus().publish(Addresses.AGENT_TOKEN_REVOKED, new JsonObject().put("id", id)));
    }));
  }

  private void checkAgentToken(Message<JsonObject> message) {
    answer(message, IdentityRepository.agentToken(store.pool(), message.body().getString("id"))
        .map(found -> new JsonObject().put("valid", found.isPresent() && found.get().revokedAt() == null)));
  }

  /** A tenant's creation is its own event: its users see it, other tenants' do not. */
  private Future<Void> insertTenant(Tenant tenant, String actor) {
    return store.inTransaction(tx -> IdentityRepository.insertTenant(tx, tenant)
        .compose(done -> EventLog.append(tx, "tenant.created", "tenant/" + tenant.id(), tenant.id(), tenant.toJson(),
            actor))
        .mapEmpty());
  }

  private Future<Void> insertUser(User user, String actor) {
    return store.inTransaction(tx -> IdentityRepository.insertUser(tx, user)
        .compose(done -> EventLog.append(tx, "user.created", "user/" + user.id(), user.tenantId(), user.toJson(),
            actor))
        .mapEmpty());
  }

  /**
   * First start: the system tenant and an admin. The password comes from configuration or is
   * generated, printed once and written (owner-readable only) to the data directory. Several hubs
   * starting together on one database agree on whichever insert won.
   */
  private Future<Void> ensureAdmin(String configuredPassword, Path dataDir) {
    return IdentityRepository.userByName(store.pool(), ADMIN_USERNAME).compose(existing -> {
      if (existing.isPresent()) {
        return Future.succeededFuture();
      }
      String password = configuredPassword != null && !configuredPassword.isBlank()
          ? configuredPassword : generatePassword();
      Tenant system = new Tenant(UUID.randomUUID().toString(), SYSTEM_TENANT, now());
      return IdentityRepository.tenantByName(store.pool(), SYSTEM_TENANT)
          .compose(found -> found.isPresent() ? Future.succeededFuture(found.get())
              : insertTenant(system, Caller.HUB_ACTOR).recover(ignoreDuplicate()).compose(done ->
                  IdentityRepository.tenantByName(store.pool(), SYSTEM_TENANT).map(t -> t.orElseThrow())))
          .compose(tenant -> hasher.hash(password).map(hash -> new User(UUID.randomUUID().toString(),
              ADMIN_USERNAME, hash, tenant.id(), tenant.name(), List.of(Role.ADMIN), now())))
          .compose(admin -> insertUser(admin, Caller.HUB_ACTOR).map(true).recover(failure ->
              store.dialect().isUniqueViolation(failure) ? Future.succeededFuture(false) : Future.failedFuture(failure)))
          .compose(created -> created && !password.equals(configuredPassword)
              ? announceGeneratedPassword(password, dataDir) : Future.succeededFuture());
    });
  }

  private Future<Void> announceGeneratedPassword(String password, Path dataDir) {
    Path file = dataDir.resolve(ADMIN_PASSWORD_FILE);
    return vertx.executeBlocking(() -> {
      writeOwnerOnly(file, password + System.lineSeparator());
      return null;
    }, false).onSuccess(done -> {
      // Printed once, on the console only: this is the one time anyone is told.
      System.out.println("Generated password for user 'admin': " + password + "  (also in " + file + ")");
      LOG.info("Created user 'admin' with a generated password, written to {}", file);
    }).mapEmpty();
  }

  private static void writeOwnerOnly(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      LOG.warn("Could not restrict permissions of {}", file);
    }
  }

  private static String generatePassword() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private <T> Function<Throwable, Future<T>> duplicate(String detail, String field) {
    return failure -> Future.failedFuture(store.dialect().isUniqueViolation(failure)
        ? BusFailure.of(409, detail, field) : failure);
  }

  private Function<Throwable, Future<Void>> ignoreDuplicate() {
    return failure -> store.dialect().isUniqueViolation(failure)
        ? Future.succeededFuture() : Future.failedFuture(failure);
  }

  private static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
  }

  /** Replies with the result, or fails the message with the domain status (500 for anything unexpected). */
  private static void answer(Message<JsonObject> message, Future<JsonObject> result) {
    result.onSuccess(message::reply).onFailure(failure -> {
      if (failure instanceof ReplyException domain) {
        message.fail(domain.failureCode(), domain.getMessage());
      } else {
        LOG.error("{} failed", message.address(), failure);
        BusFailure.reply(message, 500, "The identity store failed; see the hub log.", null);
      }
    });
  }
}

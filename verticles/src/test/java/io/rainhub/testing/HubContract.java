package io.rainhub.testing;

import io.rainhub.store.SqlDialect;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A contract run against one real hub per test class: subclasses pick the database, the contract
 * gets {@link #hub} and an {@link #admin} token.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class HubContract {

  protected TestHub hub;
  protected String admin;

  protected abstract SqlDialect dialect();

  /** Overrides of the hypervisor's configuration for this contract. */
  protected io.vertx.core.json.JsonObject hypervisorConfig() {
    return new io.vertx.core.json.JsonObject();
  }

  @BeforeAll
  void startHub() {
    hub = TestHub.start(TestDatabase.create(dialect()), new io.vertx.core.json.JsonObject(), hypervisorConfig());
    admin = TestHub.await(hub.adminToken());
  }

  @AfterAll
  void stopHub() {
    hub.close();
  }
}

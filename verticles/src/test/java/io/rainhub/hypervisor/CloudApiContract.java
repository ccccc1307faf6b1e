package io.rainhub.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.store.SqlDialect;
import io.rainhub.testing.TestDatabase;
import io.rainhub.testing.HubContract;
import io.rainhub.testing.TestHub;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The RAIN cloud API (/rainservers, /mothership, /webcomponent) and the hypervisor's own routes
 * (/v1.0/route, /v1.0/map, heartbeats, drain) over real HTTP, on a real database. One hub serves the
 * whole class, so every test uses its own names, URL prefixes and a label ({"pool": uuid}) that only
 * its own motherships carry: no other test's mothership is ever a candidate.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class CloudApiContract extends HubContract {

  private static final String VERSION = "1.0.0";
  private static final String PROBLEM_JSON = "application/problem+json";

  /** How a request carries the admin token: the standard header, the RAIN design's {@code user} header, or not at all. */
  enum Auth { BEARER, USER_HEADER, NONE }


  // --- 1. rain servers

  @Test
  void rainServersRegisterListReportUrlsResetAndUnregister(VertxTestContext test) {
    String u = uuid();
    String prefix = "/shop-" + u;
    Map<String, String> ids = new ConcurrentHashMap<>();
    hub.postJson("/rainservers/", admin, server(unique("server"), prefix + "/*").put("labels", new JsonObject().put("zone", "eu")))
        .compose(created -> {
          test.verify(() -> {
            assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
            JsonObject body = created.bodyAsJsonObject();
            assertThat(body.getString("id")).isNotBlank();
            assertThat(created.getHeader("Location")).isEqualTo("/rainservers/" + body.getString("id"));
            assertThat(body.getString("state")).isEqualTo("AVAILABLE");
            assertThat(body.getJsonArray("urls")).containsExactly(prefix + "/*");
          });
          ids.put("server", created.bodyAsJsonObject().getString("id"));
          return call(HttpMethod.GET, "/rainservers/all", null, Auth.USER_HEADER);
        })
        .compose(all -> {
          test.verify(() -> {
            assertThat(all.statusCode()).isEqualTo(200);
            assertThat(idsOf(all.bodyAsJsonObject().getJsonArray("items"))).contains(ids.get("server"));
          });
          return call(HttpMethod.GET, "/rainservers/" + ids.get("server") + "/urls", null, Auth.BEARER);
        })
        .compose(urls -> {
          test.verify(() -> {
            assertThat(urls.statusCode()).isEqualTo(200);
            assertThat(urls.bodyAsJsonObject()).isEqualTo(new JsonObject().put("id", ids.get("server"))
                .put("urls", new JsonArray().add(prefix + "/*")));
          });
          // Something for the server to be wired to: a component under its prefix, instantiated.
          return createdBody(hub.postJson("/mothership/", admin, mothership(unique("ms"), 4, pool(u))));
        })
        .compose(mothership -> {
          ids.put("mothership", mothership.getString("id"));
          return createdBody(hub.postJson("/webcomponent/", admin, component(unique("shop"), 1, pool(u), prefix + "/*")));
        })
        .compose(component -> createdBody(call(HttpMethod.POST, instancesPath(component), null, Auth.BEARER)))
        .compose(instance -> {
          test.verify(() -> assertThat(instance.getString("mothershipId")).isEqualTo(ids.get("mothership")));
          return map();
        })
        .compose(map -> {
          test.verify(() -> assertThat(wiredFrom(map, ids.get("server"))).containsExactly(ids.get("mothership")));
          return call(HttpMethod.PUT, "/rainservers/" + ids.get("server"), null, Auth.USER_HEADER);
        })
        .compose(reset -> {
          test.verify(() -> {
            assertThat(reset.statusCode()).as(reset.bodyAsString()).isEqualTo(200);
            assertThat(reset.bodyAsJsonObject().getString("id")).isEqualTo(ids.get("server"));
          });
          return map();
        })
        .compose(map -> {
          test.verify(() -> assertThat(wiredFrom(map, ids.get("server"))).isEmpty());
          return route(prefix + "/cart", "session-" + u, Auth.BEARER);
        })
        .compose(routed -> {
          test.verify(() -> {
            assertThat(routed.statusCode()).as(routed.bodyAsString()).isEqualTo(200);
            assertThat(routed.bodyAsJsonObject().getJsonObject("rainServer").getString("id")).isEqualTo(ids.get("server"));
          });
          return map();
        })
        .compose(map -> {
          test.verify(() -> assertThat(wiredFrom(map, ids.get("server"))).containsExactly(ids.get("mothership")));
          return call(HttpMethod.DELETE, "/rainservers/" + ids.get("server"), null, Auth.BEARER);
        })
        .compose(deleted -> {
          test.verify(() -> assertThat(deleted.statusCode()).as(deleted.bodyAsString()).isEqualTo(200));
          return call(HttpMethod.GET, "/rainservers/" + ids.get("server") + "/urls", null, Auth.BEARER);
        })
        .compose(gone -> {
          test.verify(() -> assertProblem(gone, 404));
          return call(HttpMethod.DELETE, "/rainservers/" + ids.get("server"), null, Auth.USER_HEADER);
        })
        .compose(deletedAgain -> {
          test.verify(() -> assertProblem(deletedAgain, 404));
          return Future.all(map(), call(HttpMethod.GET, "/rainservers/" + uuid() + "/urls", null, Auth.BEARER),
              call(HttpMethod.GET, "/rainservers/all", null, Auth.BEARER));
        })
        .onComplete(test.succeeding(after -> test.verify(() -> {
          JsonObject map = after.resultAt(0);
          assertThat(nodeIds(map, "rainserver")).doesNotContain(ids.get("server"));
          assertThat(wiredFrom(map, ids.get("server"))).isEmpty();
          assertProblem(after.resultAt(1), 404);
          HttpResponse<Buffer> all = after.resultAt(2);
          assertThat(idsOf(all.bodyAsJsonObject().getJsonArray("items"))).doesNotContain(ids.get("server"));
          test.completeNow();
        })));
  }

  // --- 2. motherships

  @Test
  void mothershipsRegisterListAndSummariseWhatTheyHold(VertxTestContext test) {
    String u = uuid();
    Map<String, String> ids = new ConcurrentHashMap<>();
    JsonObject body = new JsonObject().put("name", unique("ms")).put("address", "10.0.0.7:7000")
        .put("capacity", new JsonObject().put("cpu", 4.0).put("ramMb", 8192).put("bandwidthMbps", 100.0))
        .put("labels", pool(u));
    call(HttpMethod.POST, "/mothership/", body, Auth.USER_HEADER)
        .compose(created -> {
          test.verify(() -> {
            assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
            assertThat(created.bodyAsJsonObject().getString("id")).isNotBlank();
            assertThat(created.getHeader("Location")).isEqualTo("/mothership/" + created.bodyAsJsonObject().getString("id"));
          });
          ids.put("ms", created.bodyAsJsonObject().getString("id"));
          return call(HttpMethod.GET, "/mothership/all", null, Auth.BEARER);
        })
        .compose(all -> {
          test.verify(() -> {
            assertThat(all.statusCode()).isEqualTo(200);
            assertThat(idsOf(all.bodyAsJsonObject().getJsonArray("items"))).contains(ids.get("ms"));
          });
          return call(HttpMethod.GET, "/mothership/" + ids.get("ms"), null, Auth.USER_HEADER);
        })
        .compose(summary -> {
          test.verify(() -> {
            assertThat(summary.statusCode()).isEqualTo(200);
            JsonObject ms = summary.bodyAsJsonObject();
            assertThat(ms.getString("id")).isEqualTo(ids.get("ms"));
            assertThat(ms.getString("name")).isEqualTo(body.getString("name"));
            assertThat(ms.getString("address")).isEqualTo("10.0.0.7:7000");
            assertCapacity(ms.getJsonObject("capacity"), 4, 8192, 100);
            assertCapacity(ms.getJsonObject("reserved"), 0, 0, 0);
            assertCapacity(ms.getJsonObject("free"), 4, 8192, 100);
            assertThat(ms.getInteger("instanceCount")).isZero();
            assertThat(ms.getString("state")).isEqualTo("AVAILABLE");
            assertThat(ms.getBoolean("draining")).isFalse();
            assertThat(ms.getJsonObject("labels")).isEqualTo(pool(u));
          });
          return createdBody(hub.postJson("/webcomponent/", admin, component(unique("held"), 1, pool(u), "/held-" + u + "/*")
              .put("resources", new JsonObject().put("cpu", 1.5).put("ramMb", 1024).put("bandwidthMbps", 10))));
        })
        .compose(component -> {
          ids.put("component", component.getString("id"));
          return createdBody(call(HttpMethod.POST, instancesPath(component), null, Auth.BEARER));
        })
        .compose(instance -> {
          ids.put("instance", instance.getString("instanceId"));
          return Future.all(call(HttpMethod.GET, "/mothership/" + ids.get("ms"), null, Auth.BEARER),
              call(HttpMethod.GET, "/mothership/" + ids.get("ms") + "/webcomponents", null, Auth.USER_HEADER));
        })
        .compose(both -> {
          test.verify(() -> {
            JsonObject ms = both.<HttpResponse<Buffer>>resultAt(0).bodyAsJsonObject();
            assertCapacity(ms.getJsonObject("reserved"), 1.5, 1024, 10);
            assertCapacity(ms.getJsonObject("free"), 2.5, 7168, 90);
            assertThat(ms.getInteger("instanceCount")).isEqualTo(1);
            HttpResponse<Buffer> listed = both.resultAt(1);
            assertThat(listed.statusCode()).isEqualTo(200);
            JsonArray items = listed.bodyAsJsonObject().getJsonArray("items");
            assertThat(items).hasSize(1);
            JsonObject item = items.getJsonObject(0);
            assertThat(item.getString("instanceId")).isEqualTo(ids.get("instance"));
            assertThat(item.getString("componentId")).isEqualTo(ids.get("component"));
            assertThat(item.getString("version")).isEqualTo(VERSION);
            assertThat(item.getString("state")).isEqualTo("PLACED");
          });
          String unknown = uuid();
          return Future.all(call(HttpMethod.GET, "/mothership/" + unknown, null, Auth.BEARER),
              call(HttpMethod.GET, "/mothership/" + unknown + "/webcomponents", null, Auth.BEARER));
        })
        .onComplete(test.succeeding(unknown -> test.verify(() -> {
          assertProblem(unknown.resultAt(0), 404);
          assertProblem(unknown.resultAt(1), 404);
          test.completeNow();
        })));
  }

  // --- 3. web components: deploy, conflicts, validation, details

  @Test
  void deployingTheSameVersionTwiceIsAConflictNamingTheVersion(VertxTestContext test) {
    JsonObject descriptor = component(unique("dup"), 1, pool(uuid()), "/dup-" + uuid() + "/*");
    hub.postJson("/webcomponent/", admin, descriptor)
        .compose(first -> {
          test.verify(() -> {
            assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(201);
            assertThat(first.bodyAsJsonObject().getString("id")).isEqualTo(descriptor.getString("id"));
            assertThat(first.bodyAsJsonObject().getString("version")).isEqualTo(VERSION);
          });
          return call(HttpMethod.POST, "/webcomponent/", descriptor, Auth.USER_HEADER);
        })
        .compose(second -> {
          test.verify(() -> assertProblem(second, 409, "version"));
          // Another version of the same component is a different deployment.
          return hub.postJson("/webcomponent/", admin, descriptor.copy().put("version", "1.0.1"));
        })
        .onComplete(test.succeeding(otherVersion -> test.verify(() -> {
          assertThat(otherVersion.statusCode()).as(otherVersion.bodyAsString()).isEqualTo(201);
          test.completeNow();
        })));
  }

  @Test
  void invalidDescriptorsAre400NamingTheFieldAndStoreNothing(VertxTestContext test) {
    String prefix = "/bad-" + uuid() + "/*";
    JsonObject valid = component(unique("bad"), 1, pool(uuid()), prefix);
    JsonObject noResources = valid.copy();
    noResources.remove("resources");
    JsonObject negativeCpu = valid.copy().put("resources", valid.getJsonObject("resources").copy().put("cpu", -1));
    JsonObject relativeUrl = valid.copy().put("urls", new JsonArray().add("no-slash"));
    JsonObject noReplicas = valid.copy().put("replicas", 0);
    JsonObject unknownField = valid.copy().put("colour", "blue");
    Map<String, JsonObject> cases = new java.util.LinkedHashMap<>();
    cases.put("resources", noResources);
    cases.put("resources.cpu", negativeCpu);
    cases.put("urls[0]", relativeUrl);
    cases.put("replicas", noReplicas);
    cases.put("colour", unknownField);
    totalComponents().compose(before -> {
      Future<Void> chain = Future.succeededFuture();
      int n = 0;
      for (Map.Entry<String, JsonObject> entry : cases.entrySet()) {
        Auth auth = n++ % 2 == 0 ? Auth.BEARER : Auth.USER_HEADER;
        chain = chain.compose(ok -> call(HttpMethod.POST, "/webcomponent/", entry.getValue(), auth))
            .map(response -> {
              test.verify(() -> assertProblem(response, 400, entry.getKey()));
              return null;
            });
      }
      return chain.compose(done -> Future.all(totalComponents(),
              call(HttpMethod.GET, "/webcomponent/" + valid.getString("id") + "/" + VERSION, null, Auth.BEARER)))
          .map(after -> {
            test.verify(() -> {
              assertThat(after.<Integer>resultAt(0)).isEqualTo(before);
              assertProblem(after.resultAt(1), 404);
            });
            return null;
          });
    }).onComplete(test.succeedingThenComplete());
  }

  @Test
  void componentListIsPaginated(VertxTestContext test) {
    String u = uuid();
    List<String> mine = List.of("page-" + u + "-a", "page-" + u + "-b", "page-" + u + "-c");
    Future.all(mine.stream().map(id -> createdBody(hub.postJson("/webcomponent/", admin,
            component(id, 1, pool(u), "/page-" + u + "/*")))).toList())
        .compose(deployed -> allPages(0, new ArrayList<>()))
        .compose(pages -> {
          test.verify(() -> {
            int total = pages.get(0).getInteger("total");
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < pages.size(); i++) {
              JsonObject page = pages.get(i);
              assertThat(page.getInteger("total")).isEqualTo(total);
              assertThat(page.getInteger("start")).isEqualTo(i * 2);
              assertThat(page.getInteger("range")).isEqualTo(2);
              JsonArray items = page.getJsonArray("items");
              assertThat(items.size()).isLessThanOrEqualTo(2);
              if (i < pages.size() - 1) {
                assertThat(items).hasSize(2);
              }
              items.forEach(item -> seen.add(((JsonObject) item).getString("id") + "@"
                  + ((JsonObject) item).getString("version")));
            }
            assertThat(total).isGreaterThanOrEqualTo(3);
            assertThat(seen).hasSize(total).doesNotHaveDuplicates();
            assertThat(seen).contains(mine.stream().map(id -> id + "@" + VERSION).toArray(String[]::new));
          });
          int total = pages.get(0).getInteger("total");
          return Future.all(List.of(
              call(HttpMethod.GET, "/webcomponent/all?start=-1", null, Auth.BEARER),
              call(HttpMethod.GET, "/webcomponent/all?range=0", null, Auth.USER_HEADER),
              call(HttpMethod.GET, "/webcomponent/all?start=" + total + "&range=2", null, Auth.BEARER),
              call(HttpMethod.GET, "/webcomponent/all?range=2", null, Auth.BEARER)));
        })
        .onComplete(test.succeeding(edges -> test.verify(() -> {
          assertProblem(edges.resultAt(0), 400, "start");
          assertProblem(edges.resultAt(1), 400, "range");
          HttpResponse<Buffer> pastTheEnd = edges.resultAt(2);
          assertThat(pastTheEnd.statusCode()).isEqualTo(200);
          assertThat(pastTheEnd.bodyAsJsonObject().getJsonArray("items")).isEmpty();
          HttpResponse<Buffer> defaultStart = edges.resultAt(3);
          assertThat(defaultStart.bodyAsJsonObject().getInteger("start")).isZero();
          assertThat(defaultStart.bodyAsJsonObject().getJsonArray("items")).hasSize(2);
          test.completeNow();
        })));
  }

  @Test
  void componentDetailsDescriptorAndStatistics(VertxTestContext test) {
    String u = uuid();
    JsonObject descriptor = component(unique("detail"), 0.5, pool(u), "/detail-" + u + "/*", "/detail-" + u + "-exact")
        .put("description", "A component with details")
        .put("resources", new JsonObject().put("cpu", 0.5).put("ramMb", 256).put("bandwidthMbps", 2.5));
    String path = "/webcomponent/" + descriptor.getString("id") + "/" + VERSION;
    Map<String, String> ids = new ConcurrentHashMap<>();
    Future.all(createdBody(hub.postJson("/mothership/", admin, mothership(unique("ms"), 4, pool(u)))),
            createdBody(hub.postJson("/mothership/", admin, mothership(unique("ms"), 4, pool(u)))))
        .compose(motherships -> createdBody(hub.postJson("/webcomponent/", admin, descriptor)))
        .compose(deployed -> Future.all(call(HttpMethod.GET, path, null, Auth.BEARER),
            call(HttpMethod.GET, path + "/descriptor", null, Auth.USER_HEADER),
            call(HttpMethod.GET, path + "/statistics", null, Auth.BEARER)))
        .compose(fresh -> {
          test.verify(() -> {
            JsonObject details = fresh.<HttpResponse<Buffer>>resultAt(0).bodyAsJsonObject();
            assertThat(details.getString("id")).isEqualTo(descriptor.getString("id"));
            assertThat(details.getJsonArray("motherships")).isEmpty();
            assertThat(details.getJsonArray("instances")).isEmpty();
            HttpResponse<Buffer> exact = fresh.resultAt(1);
            assertThat(exact.statusCode()).isEqualTo(200);
            assertThat(exact.bodyAsJsonObject()).isEqualTo(descriptor);
            JsonObject statistics = fresh.<HttpResponse<Buffer>>resultAt(2).bodyAsJsonObject();
            assertThat(statistics.getJsonObject("instancesByState").getInteger("PLACED")).isZero();
            assertCapacity(statistics.getJsonObject("reserved"), 0, 0, 0);
          });
          return createdBody(call(HttpMethod.POST, path, null, Auth.BEARER));
        })
        .compose(first -> {
          ids.put("first", first.getString("instanceId"));
          return createdBody(call(HttpMethod.POST, path, null, Auth.USER_HEADER));
        })
        .compose(second -> {
          ids.put("second", second.getString("instanceId"));
          return Future.all(call(HttpMethod.GET, path, null, Auth.BEARER),
              call(HttpMethod.GET, path + "/descriptor", null, Auth.BEARER),
              call(HttpMethod.GET, path + "/statistics", null, Auth.USER_HEADER));
        })
        .compose(after -> {
          test.verify(() -> {
            JsonObject details = after.<HttpResponse<Buffer>>resultAt(0).bodyAsJsonObject();
            assertThat(details.getJsonArray("instances")).hasSize(2);
            assertThat(details.getJsonArray("instances").stream().map(i -> ((JsonObject) i).getString("instanceId")))
                .containsExactlyInAnyOrder(ids.get("first"), ids.get("second"));
            Set<String> hosting = new HashSet<>();
            details.getJsonArray("instances").forEach(i -> ((JsonObject) i).getJsonArray("placements")
                .forEach(p -> hosting.add(((JsonObject) p).getString("mothershipId"))));
            assertThat(details.getJsonArray("motherships").getList()).containsExactlyInAnyOrderElementsOf(hosting);
            assertThat(after.<HttpResponse<Buffer>>resultAt(1).bodyAsJsonObject()).isEqualTo(descriptor);
            JsonObject statistics = after.<HttpResponse<Buffer>>resultAt(2).bodyAsJsonObject();
            assertThat(statistics.getInteger("instances")).isEqualTo(2);
            assertThat(statistics.getJsonObject("instancesByState").getInteger("PLACED")).isEqualTo(2);
            assertCapacity(statistics.getJsonObject("reserved"), 1.0, 512, 5.0);
          });
          String unknown = "/webcomponent/" + unique("nothing") + "/" + VERSION;
          return Future.all(call(HttpMethod.GET, unknown, null, Auth.BEARER),
              call(HttpMethod.GET, unknown + "/descriptor", null, Auth.BEARER),
              call(HttpMethod.GET, unknown + "/statistics", null, Auth.BEARER),
              call(HttpMethod.POST, unknown, null, Auth.BEARER));
        })
        .onComplete(test.succeeding(unknown -> test.verify(() -> {
          for (int i = 0; i < 4; i++) {
            assertProblem(unknown.resultAt(i), 404);
          }
          test.completeNow();
        })));
  }

  // --- 4. instances

  @Test
  void anInstanceWithTwoReplicasRunsOnTwoMotherships(VertxTestContext test) {
    String u = uuid();
    JsonObject descriptor = component(unique("twin"), 1, pool(u), "/twin-" + u + "/*").put("replicas", 2);
    Future.all(createdBody(hub.postJson("/mothership/", admin, mothership(unique("ms"), 4, pool(u)))),
            createdBody(hub.postJson("/mothership/", admin, mothership(unique("ms"), 4, pool(u)))),
            createdBody(hub.postJson("/webcomponent/", admin, descriptor)))
        .compose(setup -> call(HttpMethod.POST, instancesPath(descriptor), null, Auth.USER_HEADER))
        .compose(created -> {
          test.verify(() -> {
            assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
            JsonObject instance = created.bodyAsJsonObject();
            assertThat(instance.getString("instanceId")).isNotBlank();
            assertThat(instance.getString("state")).isEqualTo("PLACED");
            assertThat(instance.getInteger("generation")).isZero();
            JsonArray placements = instance.getJsonArray("placements");
            assertThat(placements).hasSize(2);
            assertThat(mothershipsOf(instance)).doesNotHaveDuplicates();
            assertThat(placements.getJsonObject(0).getString("role")).isEqualTo("primary");
            assertThat(placements.getJsonObject(1).getString("role")).isEqualTo("replica");
            assertThat(instance.getString("mothershipId")).isEqualTo(placements.getJsonObject(0).getString("mothershipId"));
          });
          return call(HttpMethod.GET, "/webcomponent/" + created.bodyAsJsonObject().getString("instanceId"), null,
              Auth.BEARER).map(got -> new JsonObject().put("created", created.bodyAsJsonObject())
              .put("got", got.bodyAsJsonObject()).put("status", got.statusCode()));
        })
        .onComplete(test.succeeding(both -> test.verify(() -> {
          assertThat(both.getInteger("status")).isEqualTo(200);
          JsonObject got = both.getJsonObject("got");
          JsonObject created = both.getJsonObject("created");
          assertThat(got.getString("instanceId")).isEqualTo(created.getString("instanceId"));
          assertThat(got.getString("componentId")).isEqualTo(descriptor.getString("id"));
          assertThat(got.getJsonArray("placements")).isEqualTo(created.getJsonArray("placements"));
          test.completeNow();
        })));
  }

  @Test
  void clusteringAddsAReplicaOnAnotherMothership(VertxTestContext test) {
    String u = uuid();
    JsonObject descriptor = component(unique("clustered"), 1, pool(u), "/clustered-" + u + "/*");
    Map<String, String> ids = new ConcurrentHashMap<>();
    Future.all(List.of(createdBody(hub.postJson("/mothership/", admin, mothership(unique("ms"), 4, pool(u)))),
            createdBody(hub.postJson("/mothership/", admin, mothership(unique("ms"), 4, pool(u)))),
            createdBody(hub.postJson("/mothership/", admin, mothership(unique("ms"), 4, pool(u)))),
            createdBody(hub.postJson("/rainservers/", admin, server(unique("server"), "/clustered-" + u + "/*"))),
            createdBody(hub.postJson("/webcomponent/", admin, descriptor))))
        .compose(setup -> {
          ids.put("server", setup.<JsonObject>resultAt(3).getString("id"));
          return createdBody(call(HttpMethod.POST, instancesPath(descriptor), null, Auth.BEARER));
        })
        .compose(instance -> {
          ids.put("instance", instance.getString("instanceId"));
          ids.put("first", instance.getString("mothershipId"));
          test.verify(() -> assertThat(instance.getJsonArray("placements")).hasSize(1));
          return call(HttpMethod.POST, "/webcomponent/" + ids.get("instance"), null, Auth.USER_HEADER);
        })
        .compose(clustered -> {
          test.verify(() -> {
            assertThat(clustered.statusCode()).as(clustered.bodyAsString()).isEqualTo(201);
            JsonObject body = clustered.bodyAsJsonObject();
            assertThat(body.getJsonArray("placements")).hasSize(2);
            assertThat(mothershipsOf(body)).doesNotHaveDuplicates().contains(ids.get("first"));
            assertThat(body.getString("mothershipId")).isNotEqualTo(ids.get("first"));
            assertThat(body.getJsonArray("placements").getJsonObject(1).getString("role")).isEqualTo("replica");
            assertThat(body.getJsonArray("placements").getJsonObject(1).getString("mothershipId"))
                .isEqualTo(body.getString("mothershipId"));
          });
          ids.put("second", clustered.bodyAsJsonObject().getString("mothershipId"));
          return map();
        })
        .compose(map -> {
          test.verify(() -> assertThat(wiredFrom(map, ids.get("server")))
              .containsExactlyInAnyOrder(ids.get("first"), ids.get("second")));
          return call(HttpMethod.POST, "/webcomponent/" + ids.get("instance"),
              new JsonObject().put("mothershipId", ids.get("first")), Auth.BEARER);
        })
        .compose(onTheSame -> {
          test.verify(() -> assertProblem(onTheSame, 409, "mothershipId"));
          return hub.postJson("/webcomponent/" + ids.get("instance"), admin, new JsonObject());
        })
        .compose(third -> {
          test.verify(() -> {
            assertThat(third.statusCode()).as(third.bodyAsString()).isEqualTo(201);
            assertThat(third.bodyAsJsonObject().getJsonArray("placements")).hasSize(3);
            assertThat(mothershipsOf(third.bodyAsJsonObject())).doesNotHaveDuplicates();
          });
          // Every mothership of the pool holds it now: there is nowhere left to cluster onto.
          return call(HttpMethod.POST, "/webcomponent/" + ids.get("instance"), null, Auth.BEARER);
        })
        .compose(nowhere -> {
          test.verify(() -> {
            assertProblem(nowhere, 409);
            assertThat(nowhere.bodyAsJsonObject().getJsonObject("ruledOut").getInteger("alreadyHostingThisInstance"))
                .isEqualTo(3);
          });
          return call(HttpMethod.GET, "/webcomponent/" + ids.get("instance"), null, Auth.BEARER);
        })
        .onComplete(test.succeeding(got -> test.verify(() -> {
          assertThat(got.bodyAsJsonObject().getJsonArray("placements")).hasSize(3);
          test.completeNow();
        })));
  }

  @Test
  void refreshingBumpsGenerations(VertxTestContext test) {
    String u = uuid();
    JsonObject descriptor = component(unique("fresh"), 1, pool(u), "/fresh-" + u + "/*");
    Map<String, String> ids = new ConcurrentHashMap<>();
    Future.all(createdBody(hub.postJson("/mothership/", admin, mothership(unique("ms"), 4, pool(u)))),
            createdBody(hub.postJson("/webcomponent/", admin, descriptor)))
        .compose(setup -> createdBody(call(HttpMethod.POST, instancesPath(descriptor), null, Auth.BEARER)))
        .compose(first -> {
          ids.put("first", first.getString("instanceId"));
          return createdBody(call(HttpMethod.POST, instancesPath(descriptor), null, Auth.BEARER));
        })
        .compose(second -> {
          ids.put("second", second.getString("instanceId"));
          return call(HttpMethod.PUT, "/webcomponent/" + ids.get("first"), null, Auth.USER_HEADER);
        })
        .compose(refreshed -> {
          test.verify(() -> {
            assertThat(refreshed.statusCode()).as(refreshed.bodyAsString()).isEqualTo(200);
            assertThat(refreshed.bodyAsJsonObject().getInteger("generation")).isEqualTo(1);
          });
          return call(HttpMethod.PUT, instancesPath(descriptor), null, Auth.BEARER);
        })
        .compose(all -> {
          test.verify(() -> {
            assertThat(all.statusCode()).as(all.bodyAsString()).isEqualTo(200);
            JsonArray refreshed = all.bodyAsJsonObject().getJsonArray("refreshed");
            assertThat(refreshed).hasSize(2);
            assertThat(generationsById(refreshed)).isEqualTo(Map.of(ids.get("first"), 2, ids.get("second"), 1));
          });
          return Future.all(call(HttpMethod.GET, "/webcomponent/" + ids.get("first"), null, Auth.BEARER),
              call(HttpMethod.GET, "/webcomponent/" + ids.get("second"), null, Auth.BEARER),
              call(HttpMethod.PUT, "/webcomponent/" + uuid(), null, Auth.BEARER));
        })
        .onComplete(test.succeeding(got -> test.verify(() -> {
          assertThat(got.<HttpResponse<Buffer>>resultAt(0).bodyAsJsonObject().getInteger("generation")).isEqualTo(2);
          assertThat(got.<HttpResponse<Buffer>>resultAt(1).bodyAsJsonObject().getInteger("generation")).isEqualTo(1);
          assertProblem(got.resultAt(2), 404);
          test.completeNow();
        })));
  }

  @Test
  void stoppingAnInstanceReleasesItsCapacity(VertxTestContext test) {
    String u = uuid();
    JsonObject descriptor = component(unique("stopped"), 1, pool(u), "/stopped-" + u + "/*");
    Map<String, String> ids = new ConcurrentHashMap<>();
    Future.all(createdBody(hub.postJson("/mothership/", admin, mothership(unique("ms"), 4, pool(u)))),
            createdBody(hub.postJson("/rainservers/", admin, server(unique("server"), "/stopped-" + u + "/*"))),
            createdBody(hub.postJson("/webcomponent/", admin, descriptor)))
        .compose(setup -> {
          ids.put("ms", setup.<JsonObject>resultAt(0).getString("id"));
          ids.put("server", setup.<JsonObject>resultAt(1).getString("id"));
          return createdBody(call(HttpMethod.POST, instancesPath(descriptor), null, Auth.BEARER));
        })
        .compose(instance -> {
          ids.put("instance", instance.getString("instanceId"));
          return call(HttpMethod.GET, "/mothership/" + ids.get("ms"), null, Auth.BEARER);
        })
        .compose(held -> {
          test.verify(() -> assertThat(held.bodyAsJsonObject().getJsonObject("reserved").getDouble("cpu")).isEqualTo(1.0));
          return map();
        })
        .compose(map -> {
          test.verify(() -> assertThat(wiredFrom(map, ids.get("server"))).containsExactly(ids.get("ms")));
          return call(HttpMethod.DELETE, "/webcomponent/" + ids.get("instance"), null, Auth.USER_HEADER);
        })
        .compose(stopped -> {
          test.verify(() -> {
            assertThat(stopped.statusCode()).as(stopped.bodyAsString()).isEqualTo(200);
            assertThat(stopped.bodyAsJsonObject().getString("instanceId")).isEqualTo(ids.get("instance"));
          });
          return Future.all(call(HttpMethod.GET, "/mothership/" + ids.get("ms"), null, Auth.BEARER),
              call(HttpMethod.GET, "/webcomponent/" + ids.get("instance"), null, Auth.BEARER),
              call(HttpMethod.DELETE, "/webcomponent/" + ids.get("instance"), null, Auth.BEARER), map());
        })
        .onComplete(test.succeeding(after -> test.verify(() -> {
          assertThat(wiredFrom(after.resultAt(3), ids.get("server"))).isEmpty();
          JsonObject ms = after.<HttpResponse<Buffer>>resultAt(0).bodyAsJsonObject();
          assertCapacity(ms.getJsonObject("reserved"), 0, 0, 0);
          assertThat(ms.getInteger("instanceCount")).isZero();
          assertProblem(after.resultAt(1), 404);
          assertProblem(after.resultAt(2), 404);
          test.completeNow();
        })));
  }

  @Test
  void undeployingStopsEverythingAndUnwiresAndAllowsRedeploying(VertxTestContext test) {
    String u = uuid();
    String prefix = "/gone-" + u;
    JsonObject descriptor = component(unique("gone"), 1, pool(u), prefix + "/*");
    String path = instancesPath(descriptor);
    Map<String, String> ids = new ConcurrentHashMap<>();
    List<String> instances = new CopyOnWriteArrayList<>();
    Future.all(createdBody(hub.postJson("/mothership/", admin, mothership(unique("ms"), 4, pool(u)))),
            createdBody(hub.postJson("/mothership/", admin, mothership(unique("ms"), 4, pool(u)))),
            createdBody(hub.postJson("/rainservers/", admin, server(unique("server"), prefix + "/*"))),
            createdBody(hub.postJson("/webcomponent/", admin, descriptor)))
        .compose(setup -> {
          ids.put("ms1", setup.<JsonObject>resultAt(0).getString("id"));
          ids.put("ms2", setup.<JsonObject>resultAt(1).getString("id"));
          ids.put("server", setup.<JsonObject>resultAt(2).getString("id"));
          return createdBody(call(HttpMethod.POST, path, null, Auth.BEARER));
        })
        .compose(first -> {
          instances.add(first.getString("instanceId"));
          return createdBody(call(HttpMethod.POST, path, null, Auth.BEARER));
        })
        .compose(second -> {
          instances.add(second.getString("instanceId"));
          return map();
        })
        .compose(map -> {
          test.verify(() -> assertThat(wiredFrom(map, ids.get("server"))).containsExactlyInAnyOrder(ids.get("ms1"), ids.get("ms2")));
          return call(HttpMethod.DELETE, path, null, Auth.USER_HEADER);
        })
        .compose(undeployed -> {
          test.verify(() -> {
            assertThat(undeployed.statusCode()).as(undeployed.bodyAsString()).isEqualTo(200);
            assertThat(undeployed.bodyAsJsonObject().getInteger("stoppedInstances")).isEqualTo(2);
          });
          return Future.all(List.of(
              call(HttpMethod.GET, "/webcomponent/" + instances.get(0), null, Auth.BEARER),
              call(HttpMethod.GET, "/webcomponent/" + instances.get(1), null, Auth.BEARER),
              call(HttpMethod.GET, "/mothership/" + ids.get("ms1"), null, Auth.BEARER),
              call(HttpMethod.GET, "/mothership/" + ids.get("ms2"), null, Auth.BEARER),
              map(),
              call(HttpMethod.GET, path, null, Auth.BEARER),
              call(HttpMethod.DELETE, path, null, Auth.BEARER)));
        })
        .compose(after -> {
          test.verify(() -> {
            assertProblem(after.resultAt(0), 404);
            assertProblem(after.resultAt(1), 404);
            for (int i = 2; i <= 3; i++) {
              JsonObject ms = after.<HttpResponse<Buffer>>resultAt(i).bodyAsJsonObject();
              assertCapacity(ms.getJsonObject("reserved"), 0, 0, 0);
              assertThat(ms.getInteger("instanceCount")).isZero();
            }
            JsonObject map = after.resultAt(4);
            assertThat(wiredFrom(map, ids.get("server"))).isEmpty();
            assertThat(nodeIds(map, "instance")).doesNotContainAnyElementsOf(instances);
            assertProblem(after.resultAt(5), 404);
            assertProblem(after.resultAt(6), 404);
          });
          return call(HttpMethod.POST, "/webcomponent/", descriptor, Auth.USER_HEADER);
        })
        .compose(redeployed -> {
          test.verify(() -> assertThat(redeployed.statusCode()).as(redeployed.bodyAsString()).isEqualTo(201));
          return call(HttpMethod.GET, path + "/statistics", null, Auth.BEARER);
        })
        .onComplete(test.succeeding(statistics -> test.verify(() -> {
          assertThat(statistics.bodyAsJsonObject().getInteger("instances")).isZero();
          test.completeNow();
        })));
  }

  // --- 5. placement

  @Test
  void placementSpreadsOverEqualMotherships(VertxTestContext test) {
    String u = uuid();
    JsonObject descriptor = component(unique("spread"), 1, pool(u), "/spread-" + u + "/*");
    List<String> chosen = new CopyOnWriteArrayList<>();
    Future.all(createdBody(hub.postJson("/mothership/", admin, mothership(unique("ms"), 4, pool(u)))),
            createdBody(hub.postJson("/mothership/", admin, mothership(unique("ms"), 4, pool(u)))),
            createdBody(hub.postJson("/webcomponent/", admin, descriptor)))
        .compose(setup -> createdBody(call(HttpMethod.POST, instancesPath(descriptor), null, Auth.BEARER)))
        .compose(first -> {
          chosen.add(first.getString("mothershipId"));
          return createdBody(call(HttpMethod.POST, instancesPath(descriptor), null, Auth.USER_HEADER));
        })
        .onComplete(test.succeeding(second -> test.verify(() -> {
          assertThat(second.getString("mothershipId")).isNotEqualTo(chosen.get(0));
          test.completeNow();
        })));
  }

  @Test
  void placementHonoursEveryRequiredLabel(VertxTestContext test) {
    String u = uuid();
    JsonObject both = pool(u).put("gpu", "yes");
    JsonObject descriptor = component(unique("gpu"), 1, both, "/gpu-" + u + "/*");
    Future.all(List.of(
            createdBody(hub.postJson("/mothership/", admin, mothership(unique("poolonly"), 64, pool(u)))),
            createdBody(hub.postJson("/mothership/", admin, mothership(unique("gpuonly"), 64, pool(uuid()).put("gpu", "yes")))),
            createdBody(hub.postJson("/mothership/", admin, mothership(unique("wronggpu"), 64, pool(u).put("gpu", "no")))),
            createdBody(hub.postJson("/mothership/", admin, mothership(unique("both"), 4, both.copy().put("extra", "fine")))),
            createdBody(hub.postJson("/webcomponent/", admin, descriptor))))
        .compose(setup -> {
          String good = setup.<JsonObject>resultAt(3).getString("id");
          Future<Void> chain = Future.succeededFuture();
          for (int i = 0; i < 4; i++) {
            chain = chain.compose(ok -> createdBody(call(HttpMethod.POST, instancesPath(descriptor), null, Auth.BEARER)))
                .map(instance -> {
                  test.verify(() -> assertThat(mothershipsOf(instance)).containsExactly(good));
                  return null;
                });
          }
          // The labelled mothership is full; the bigger ones without both labels are still not candidates.
          return chain.compose(full -> call(HttpMethod.POST, instancesPath(descriptor), null, Auth.BEARER));
        })
        .onComplete(test.succeeding(refused -> test.verify(() -> {
          assertProblem(refused, 409);
          JsonObject ruledOut = refused.bodyAsJsonObject().getJsonObject("ruledOut");
          assertThat(ruledOut.getInteger("missingLabels")).isGreaterThanOrEqualTo(3);
          assertThat(ruledOut.getInteger("insufficientCpu")).isGreaterThanOrEqualTo(1);
          test.completeNow();
        })));
  }

  @Test
  void noRoomIsAConflictSayingWhatRuledEachMothershipOut(VertxTestContext test) {
    String u = uuid();
    JsonObject descriptor = component(unique("huge"), 2, pool(u), "/huge-" + u + "/*");
    Future.all(createdBody(hub.postJson("/mothership/", admin, mothership(unique("ms"), 1, pool(u)))),
            createdBody(hub.postJson("/webcomponent/", admin, descriptor)))
        .compose(setup -> call(HttpMethod.POST, instancesPath(descriptor), null, Auth.USER_HEADER))
        .compose(refused -> {
          test.verify(() -> {
            assertProblem(refused, 409);
            JsonObject body = refused.bodyAsJsonObject();
            JsonObject ruledOut = body.getJsonObject("ruledOut");
            assertThat(ruledOut).isNotNull();
            assertThat(ruledOut.getInteger("considered")).isGreaterThanOrEqualTo(1);
            assertThat(ruledOut.getInteger("insufficientCpu")).isGreaterThanOrEqualTo(1);
            assertThat(ruledOut.getInteger("insufficientRamMb")).isNotNull();
            assertThat(ruledOut.getInteger("insufficientBandwidthMbps")).isNotNull();
            assertThat(ruledOut.getInteger("missingLabels")).isNotNull();
            assertThat(ruledOut.getInteger("draining")).isNotNull();
            assertThat(body.getString("detail")).contains(descriptor.getString("id")).contains("insufficientCpu");
          });
          return call(HttpMethod.GET, instancesPath(descriptor) + "/statistics", null, Auth.BEARER);
        })
        .onComplete(test.succeeding(statistics -> test.verify(() -> {
          assertThat(statistics.bodyAsJsonObject().getInteger("instances")).isZero();
          test.completeNow();
        })));
  }

  @Test
  void aDrainingMothershipIsNotChosen(VertxTestContext test) {
    String u = uuid();
    JsonObject descriptor = component(unique("drain"), 1, pool(u), "/drain-" + u + "/*");
    Map<String, String> ids = new ConcurrentHashMap<>();
    Future.all(createdBody(hub.postJson("/mothership/", admin, mothership(unique("big"), 8, pool(u)))),
            createdBody(hub.postJson("/mothership/", admin, mothership(unique("small"), 1, pool(u)))),
            createdBody(hub.postJson("/webcomponent/", admin, descriptor)))
        .compose(setup -> {
          ids.put("big", setup.<JsonObject>resultAt(0).getString("id"));
          ids.put("small", setup.<JsonObject>resultAt(1).getString("id"));
          return call(HttpMethod.PUT, "/v1.0/motherships/" + ids.get("big") + "/drain",
              new JsonObject().put("draining", true), Auth.USER_HEADER);
        })
        .compose(drained -> {
          test.verify(() -> {
            assertThat(drained.statusCode()).as(drained.bodyAsString()).isEqualTo(200);
            assertThat(drained.bodyAsJsonObject().getBoolean("draining")).isTrue();
          });
          return createdBody(call(HttpMethod.POST, instancesPath(descriptor), null, Auth.BEARER));
        })
        .compose(placed -> {
          test.verify(() -> assertThat(mothershipsOf(placed)).containsExactly(ids.get("small")));
          return call(HttpMethod.POST, instancesPath(descriptor), null, Auth.BEARER);
        })
        .compose(refused -> {
          test.verify(() -> {
            assertProblem(refused, 409);
            JsonObject ruledOut = refused.bodyAsJsonObject().getJsonObject("ruledOut");
            assertThat(ruledOut.getInteger("draining")).isGreaterThanOrEqualTo(1);
            assertThat(ruledOut.getInteger("insufficientCpu")).isGreaterThanOrEqualTo(1);
          });
          return call(HttpMethod.GET, "/mothership/" + ids.get("big"), null, Auth.BEARER);
        })
        .compose(big -> {
          test.verify(() -> {
            assertThat(big.bodyAsJsonObject().getBoolean("draining")).isTrue();
            assertThat(big.bodyAsJsonObject().getInteger("instanceCount")).isZero();
          });
          return call(HttpMethod.PUT, "/v1.0/motherships/" + ids.get("big") + "/drain",
              new JsonObject().put("draining", false), Auth.BEARER);
        })
        .compose(undrained -> {
          test.verify(() -> assertThat(undrained.bodyAsJsonObject().getBoolean("draining")).isFalse());
          return createdBody(call(HttpMethod.POST, instancesPath(descriptor), null, Auth.BEARER));
        })
        .onComplete(test.succeeding(placed -> test.verify(() -> {
          assertThat(mothershipsOf(placed)).containsExactly(ids.get("big"));
          test.completeNow();
        })));
  }

  // --- 6. concurrency

  @Test
  void concurrentInstantiationsNeverOvercommit(VertxTestContext test) {
    String u = uuid();
    JsonObject descriptor = component(unique("rush"), 1, pool(u), "/rush-" + u + "/*");
    WebClient burst = WebClient.create(hub.vertx(),
        new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(hub.port()),
        new PoolOptions().setHttp1MaxSize(30));
    List<String> motherships = new CopyOnWriteArrayList<>();
    Future.all(createdBody(hub.postJson("/mothership/", admin, mothership(unique("ms"), 4, pool(u)))),
            createdBody(hub.postJson("/mothership/", admin, mothership(unique("ms"), 4, pool(u)))),
            createdBody(hub.postJson("/mothership/", admin, mothership(unique("ms"), 4, pool(u)))),
            createdBody(hub.postJson("/webcomponent/", admin, descriptor)))
        .compose(setup -> {
          for (int i = 0; i < 3; i++) {
            motherships.add(setup.<JsonObject>resultAt(i).getString("id"));
          }
          // All 30 are sent before any answer is looked at.
          List<Future<HttpResponse<Buffer>>> requests = IntStream.range(0, 30)
              .mapToObj(i -> {
                HttpRequest<Buffer> request = burst.post(instancesPath(descriptor));
                return (i % 2 == 0 ? request.bearerTokenAuthentication(admin) : request.putHeader("user", admin)).send();
              })
              .toList();
          return Future.all(requests).map(all -> requests.stream().map(Future::result).toList());
        })
        .compose(responses -> {
          test.verify(() -> {
            Map<Integer, Long> byStatus = responses.stream()
                .collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
            assertThat(byStatus).as(responses.stream().filter(r -> r.statusCode() != 201 && r.statusCode() != 409)
                    .map(HttpResponse::bodyAsString).toList().toString())
                .containsExactlyInAnyOrderEntriesOf(Map.of(201, 12L, 409, 18L));
            responses.stream().filter(r -> r.statusCode() == 409).forEach(r -> {
              assertProblem(r, 409);
              assertThat(r.bodyAsJsonObject().getJsonObject("ruledOut").getInteger("insufficientCpu")).isEqualTo(3);
            });
            List<String> placedOn = responses.stream().filter(r -> r.statusCode() == 201)
                .map(r -> r.bodyAsJsonObject().getString("mothershipId")).toList();
            assertThat(motherships).containsAll(placedOn);
          });
          return Future.all(motherships.stream().map(id -> call(HttpMethod.GET, "/mothership/" + id, null, Auth.BEARER))
              .toList());
        })
        .compose(summaries -> {
          test.verify(() -> {
            double reservedCpu = 0;
            int instances = 0;
            for (int i = 0; i < 3; i++) {
              JsonObject ms = summaries.<HttpResponse<Buffer>>resultAt(i).bodyAsJsonObject();
              assertThat(ms.getJsonObject("reserved").getDouble("cpu")).isLessThanOrEqualTo(4.0);
              assertThat(ms.getJsonObject("free").getDouble("cpu")).isGreaterThanOrEqualTo(0.0);
              reservedCpu += ms.getJsonObject("reserved").getDouble("cpu");
              instances += ms.getInteger("instanceCount");
            }
            assertThat(reservedCpu).isEqualTo(12.0);
            assertThat(instances).isEqualTo(12);
          });
          return call(HttpMethod.GET, instancesPath(descriptor) + "/statistics", null, Auth.BEARER);
        })
        .eventually(() -> {
          burst.close();
          return Future.succeededFuture();
        })
        .onComplete(test.succeeding(statistics -> test.verify(() -> {
          assertThat(statistics.bodyAsJsonObject().getInteger("instances")).isEqualTo(12);
          assertThat(statistics.bodyAsJsonObject().getJsonObject("reserved").getDouble("cpu")).isEqualTo(12.0);
          test.completeNow();
        })));
  }

  // --- 7. expiry

  @Test
  void aMothershipThatStopsHeartbeatingExpiresAndReleasesItsInstances(VertxTestContext test) {
    String u = uuid();
    JsonObject descriptor = component(unique("mortal"), 1, pool(u), "/mortal-" + u + "/*");
    Map<String, String> ids = new ConcurrentHashMap<>();
    long[] registeredAt = new long[1];
    Future.all(createdBody(hub.postJson("/webcomponent/", admin, descriptor)),
            createdBody(hub.postJson("/mothership/", admin, mothership(unique("stable"), 4, pool(uuid())))),
            createdBody(hub.postJson("/rainservers/", admin, server(unique("server"), "/mortal-" + u + "/*"))))
        .compose(setup -> {
          ids.put("stable", setup.<JsonObject>resultAt(1).getString("id"));
          ids.put("server", setup.<JsonObject>resultAt(2).getString("id"));
          registeredAt[0] = System.currentTimeMillis();
          return createdBody(hub.postJson("/mothership/", admin, mothership(unique("mortal"), 4, pool(u)).put("ttlSeconds", 1)));
        })
        .compose(mortal -> {
          ids.put("mortal", mortal.getString("id"));
          test.verify(() -> assertThat(mortal.getInteger("ttlSeconds")).isEqualTo(1));
          return createdBody(call(HttpMethod.POST, instancesPath(descriptor), null, Auth.BEARER));
        })
        .compose(instance -> {
          ids.put("instance", instance.getString("instanceId"));
          test.verify(() -> assertThat(mothershipsOf(instance)).containsExactly(ids.get("mortal")));
          return eventually(() -> call(HttpMethod.GET, "/mothership/" + ids.get("mortal"), null, Auth.BEARER),
              response -> "EXPIRED".equals(response.bodyAsJsonObject().getString("state")),
              registeredAt[0] + 3_500, "mothership " + ids.get("mortal") + " to expire");
        })
        .compose(expired -> {
          test.verify(() -> {
            JsonObject ms = expired.bodyAsJsonObject();
            assertCapacity(ms.getJsonObject("reserved"), 0, 0, 0);
            assertThat(ms.getInteger("instanceCount")).isZero();
          });
          return Future.all(List.of(
              call(HttpMethod.GET, "/webcomponent/" + ids.get("instance"), null, Auth.BEARER),
              call(HttpMethod.GET, "/mothership/" + ids.get("mortal") + "/webcomponents", null, Auth.BEARER),
              call(HttpMethod.PUT, "/v1.0/motherships/" + ids.get("mortal") + "/heartbeat", null, Auth.USER_HEADER),
              call(HttpMethod.GET, "/mothership/" + ids.get("stable"), null, Auth.BEARER),
              call(HttpMethod.GET, instancesPath(descriptor) + "/statistics", null, Auth.BEARER),
              map()));
        })
        .onComplete(test.succeeding(after -> test.verify(() -> {
          assertThat(wiredFrom(after.resultAt(5), ids.get("server"))).isEmpty();
          JsonObject instance = after.<HttpResponse<Buffer>>resultAt(0).bodyAsJsonObject();
          assertThat(instance.getString("state")).isEqualTo("UNPLACED");
          assertThat(instance.getJsonArray("placements")).isEmpty();
          assertThat(after.<HttpResponse<Buffer>>resultAt(1).bodyAsJsonObject().getJsonArray("items")).isEmpty();
          assertProblem(after.resultAt(2), 409);
          assertThat(after.<HttpResponse<Buffer>>resultAt(3).bodyAsJsonObject().getString("state")).isEqualTo("AVAILABLE");
          JsonObject statistics = after.<HttpResponse<Buffer>>resultAt(4).bodyAsJsonObject();
          assertThat(statistics.getJsonObject("instancesByState").getInteger("UNPLACED")).isEqualTo(1);
          assertCapacity(statistics.getJsonObject("reserved"), 0, 0, 0);
          test.completeNow();
        })));
  }

  @Test
  void aHeartbeatingRainServerStaysAndExpiresOnceHeartbeatsStop(VertxTestContext test) {
    Map<String, String> ids = new ConcurrentHashMap<>();
    Future.all(createdBody(hub.postJson("/rainservers/", admin,
                server(unique("mortal"), "/mortal-" + uuid() + "/*").put("ttlSeconds", 1))),
            createdBody(hub.postJson("/rainservers/", admin, server(unique("stable"), "/stable-" + uuid() + "/*"))))
        .compose(setup -> {
          ids.put("mortal", setup.<JsonObject>resultAt(0).getString("id"));
          ids.put("stable", setup.<JsonObject>resultAt(1).getString("id"));
          return heartbeatFor("/v1.0/rainservers/" + ids.get("mortal") + "/heartbeat", 300, 2_500);
        })
        .compose(beats -> {
          test.verify(() -> {
            assertThat(beats).hasSizeGreaterThanOrEqualTo(6);
            beats.forEach(beat -> {
              assertThat(beat.statusCode()).as(beat.bodyAsString()).isEqualTo(200);
              assertThat(beat.bodyAsJsonObject().getString("state")).isEqualTo("AVAILABLE");
            });
          });
          return call(HttpMethod.GET, "/rainservers/all", null, Auth.BEARER);
        })
        .compose(all -> {
          test.verify(() -> assertThat(stateOf(all.bodyAsJsonObject(), ids.get("mortal"))).isEqualTo("AVAILABLE"));
          long stoppedAt = System.currentTimeMillis();
          return eventually(() -> call(HttpMethod.GET, "/rainservers/all", null, Auth.BEARER),
              response -> "EXPIRED".equals(stateOf(response.bodyAsJsonObject(), ids.get("mortal"))),
              stoppedAt + 3_000, "rain server " + ids.get("mortal") + " to expire");
        })
        .compose(expired -> {
          test.verify(() -> assertThat(stateOf(expired.bodyAsJsonObject(), ids.get("stable"))).isEqualTo("AVAILABLE"));
          return call(HttpMethod.PUT, "/v1.0/rainservers/" + ids.get("mortal") + "/heartbeat", null, Auth.BEARER);
        })
        .onComplete(test.succeeding(late -> test.verify(() -> {
          assertProblem(late, 409);
          test.completeNow();
        })));
  }

  // --- 8. sticky routing

  @Test
  void sessionsStickToTheirRainServerUntilItGoes(VertxTestContext test) {
    String u = uuid();
    String prefix = "/app-" + u;
    String url = prefix + "/page";
    Map<String, String> ids = new ConcurrentHashMap<>();
    Future.all(createdBody(hub.postJson("/rainservers/", admin, server(unique("one"), prefix + "/*"))),
            createdBody(hub.postJson("/rainservers/", admin, server(unique("two"), prefix + "/*"))))
        .compose(setup -> {
          ids.put("one", setup.<JsonObject>resultAt(0).getString("id"));
          ids.put("two", setup.<JsonObject>resultAt(1).getString("id"));
          return route(url, "A-" + u, Auth.BEARER);
        })
        .compose(first -> {
          test.verify(() -> {
            assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(200);
            JsonObject body = first.bodyAsJsonObject();
            assertThat(body.getJsonObject("rainServer").getString("id")).isIn(ids.get("one"), ids.get("two"));
            assertThat(body.getBoolean("sticky")).isFalse();
            assertThat(body.getBoolean("moved")).isFalse();
          });
          String a = first.bodyAsJsonObject().getJsonObject("rainServer").getString("id");
          ids.put("a", a);
          ids.put("other", a.equals(ids.get("one")) ? ids.get("two") : ids.get("one"));
          return route(prefix + "/other/page?x=1", "A-" + u, Auth.USER_HEADER);
        })
        .compose(again -> {
          test.verify(() -> {
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(again.bodyAsJsonObject().getJsonObject("rainServer").getString("id")).isEqualTo(ids.get("a"));
            assertThat(again.bodyAsJsonObject().getBoolean("sticky")).isTrue();
            assertThat(again.bodyAsJsonObject().getBoolean("moved")).isFalse();
          });
          return route(url, "B-" + u, Auth.BEARER);
        })
        .compose(b -> {
          test.verify(() -> {
            assertThat(b.bodyAsJsonObject().getJsonObject("rainServer").getString("id")).isEqualTo(ids.get("other"));
            assertThat(b.bodyAsJsonObject().getBoolean("sticky")).isFalse();
          });
          return call(HttpMethod.DELETE, "/rainservers/" + ids.get("a"), null, Auth.BEARER);
        })
        .compose(deleted -> {
          test.verify(() -> assertThat(deleted.statusCode()).isEqualTo(200));
          return route(url, "A-" + u, Auth.BEARER);
        })
        .compose(moved -> {
          test.verify(() -> {
            assertThat(moved.statusCode()).as(moved.bodyAsString()).isEqualTo(200);
            JsonObject body = moved.bodyAsJsonObject();
            assertThat(body.getJsonObject("rainServer").getString("id")).isEqualTo(ids.get("other"));
            assertThat(body.getBoolean("moved")).isTrue();
            assertThat(body.getBoolean("sticky")).isFalse();
            assertThat(body.getString("previousRainServerId")).isEqualTo(ids.get("a"));
          });
          return route(url, "A-" + u, Auth.BEARER);
        })
        .compose(settled -> {
          test.verify(() -> {
            assertThat(settled.bodyAsJsonObject().getJsonObject("rainServer").getString("id")).isEqualTo(ids.get("other"));
            assertThat(settled.bodyAsJsonObject().getBoolean("sticky")).isTrue();
            assertThat(settled.bodyAsJsonObject().getBoolean("moved")).isFalse();
          });
          return Future.all(List.of(
              route("/nobody-" + u + "/page", "C-" + u, Auth.BEARER),
              call(HttpMethod.GET, "/v1.0/route?session=D-" + u, null, Auth.BEARER),
              call(HttpMethod.GET, "/v1.0/route?url=" + url, null, Auth.USER_HEADER),
              call(HttpMethod.GET, "/v1.0/route", null, Auth.BEARER)));
        })
        .onComplete(test.succeeding(errors -> test.verify(() -> {
          assertProblem(errors.resultAt(0), 404);
          assertProblem(errors.resultAt(1), 400, "url");
          assertProblem(errors.resultAt(2), 400, "session");
          assertProblem(errors.resultAt(3), 400, "url");
          assertProblem(errors.resultAt(3), 400, "session");
          test.completeNow();
        })));
  }

  // --- 9. the map

  @Test
  void theMapShowsNodesHostingReplicasAndWiring(VertxTestContext test) {
    String u = uuid();
    String prefix = "/mapped-" + u;
    JsonObject descriptor = component(unique("mapped"), 1, pool(u), prefix + "/*").put("replicas", 2);
    Map<String, String> ids = new ConcurrentHashMap<>();
    Future.all(createdBody(hub.postJson("/mothership/", admin, mothership(unique("ms"), 4, pool(u)))),
            createdBody(hub.postJson("/mothership/", admin, mothership(unique("ms"), 4, pool(u)))),
            createdBody(hub.postJson("/rainservers/", admin, server(unique("renders"), prefix + "/*"))),
            createdBody(hub.postJson("/rainservers/", admin, server(unique("elsewhere"), "/elsewhere-" + u + "/*"))))
        .compose(setup -> {
          ids.put("ms1", setup.<JsonObject>resultAt(0).getString("id"));
          ids.put("ms2", setup.<JsonObject>resultAt(1).getString("id"));
          ids.put("renders", setup.<JsonObject>resultAt(2).getString("id"));
          ids.put("elsewhere", setup.<JsonObject>resultAt(3).getString("id"));
          return createdBody(hub.postJson("/webcomponent/", admin, descriptor));
        })
        .compose(deployed -> createdBody(call(HttpMethod.POST, instancesPath(descriptor), null, Auth.BEARER)))
        .compose(instance -> {
          ids.put("instance", instance.getString("instanceId"));
          ids.put("primary", instance.getJsonArray("placements").getJsonObject(0).getString("mothershipId"));
          ids.put("replica", instance.getJsonArray("placements").getJsonObject(1).getString("mothershipId"));
          return call(HttpMethod.GET, "/v1.0/map", null, Auth.USER_HEADER);
        })
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(200);
          JsonObject map = response.bodyAsJsonObject();
          assertThat(nodeIds(map, "rainserver")).contains(ids.get("renders"), ids.get("elsewhere"));
          assertThat(nodeIds(map, "mothership")).contains(ids.get("ms1"), ids.get("ms2"));
          assertThat(nodeIds(map, "instance")).contains(ids.get("instance"));
          assertThat(Set.of(ids.get("primary"), ids.get("replica"))).isEqualTo(Set.of(ids.get("ms1"), ids.get("ms2")));
          List<JsonObject> toInstance = edges(map).stream().filter(e -> e.getString("to").equals(ids.get("instance"))).toList();
          assertThat(toInstance).containsExactlyInAnyOrder(
              new JsonObject().put("from", ids.get("primary")).put("to", ids.get("instance")).put("kind", "hosts"),
              new JsonObject().put("from", ids.get("replica")).put("to", ids.get("instance")).put("kind", "replica"));
          assertThat(wiredFrom(map, ids.get("renders"))).containsExactlyInAnyOrder(ids.get("ms1"), ids.get("ms2"));
          assertThat(wiredFrom(map, ids.get("elsewhere"))).isEmpty();
          JsonObject primaryNode = node(map, ids.get("primary"));
          assertThat(primaryNode.getJsonObject("reserved").getDouble("cpu")).isEqualTo(1.0);
          assertThat(node(map, ids.get("instance")).getString("state")).isEqualTo("PLACED");
          assertThat(edges(map)).allSatisfy(edge ->
              assertThat(edge.getString("kind")).isIn("hosts", "replica", "wired"));
          test.completeNow();
        })));
  }

  // --- 10. durability (last: it starts and closes other hubs in this process)

  @Test
  @Order(Integer.MAX_VALUE)
  void aRestartedHubKeepsInstancesReservationsAndWiring(VertxTestContext test) {
    TestDatabase database = TestDatabase.create(dialect());
    String u = uuid();
    String prefix = "/durable-" + u;
    JsonObject descriptor = component(unique("durable"), 1.5, pool(u), prefix + "/*")
        .put("resources", new JsonObject().put("cpu", 1.5).put("ramMb", 512).put("bandwidthMbps", 20));
    JsonObject mothership;
    JsonObject server;
    JsonObject instance;
    try (TestHub first = TestHub.start(database, new JsonObject())) {
      String token = TestHub.await(first.adminToken());
      mothership = TestHub.await(createdBody(first.postJson("/mothership/", token, mothership(unique("ms"), 4, pool(u)))));
      server = TestHub.await(createdBody(first.postJson("/rainservers/", token, server(unique("server"), prefix + "/*"))));
      TestHub.await(createdBody(first.postJson("/webcomponent/", token, descriptor)));
      instance = TestHub.await(createdBody(first.client().post(instancesPath(descriptor)).bearerTokenAuthentication(token).send()));
      JsonObject refreshed = TestHub.await(first.client().put("/webcomponent/" + instance.getString("instanceId"))
          .bearerTokenAuthentication(token).send()).bodyAsJsonObject();
      assertThat(refreshed.getInteger("generation")).isEqualTo(1);
    }
    String mothershipId = mothership.getString("id");
    String serverId = server.getString("id");
    String instanceId = instance.getString("instanceId");
    TestHub second = TestHub.start(database, new JsonObject());
    second.adminToken()
        // The reads first, then a new instantiation: sent together, it could be placed before the
        // mothership summary is read and show up in its reservations.
        .compose(token -> Future.all(List.of(
            second.get("/webcomponent/" + instanceId, token),
            second.get("/mothership/" + mothershipId, token),
            second.get("/v1.0/map", token),
            second.get(instancesPath(descriptor) + "/descriptor", token),
            second.get("/rainservers/" + serverId + "/urls", token)))
            .compose(reads -> second.client().post(instancesPath(descriptor)).putHeader("user", token).send()
                .map(placed -> Future.all(List.of(
                    Future.succeededFuture(reads.resultAt(0)), Future.succeededFuture(reads.resultAt(1)),
                    Future.succeededFuture(reads.resultAt(2)), Future.succeededFuture(reads.resultAt(3)),
                    Future.succeededFuture(reads.resultAt(4)), Future.succeededFuture(placed))))))
        .compose(all -> all)
        .onComplete(result -> {
          if (result.failed()) {
            test.failNow(result.cause());
          } else {
            test.verify(() -> checkRestarted(result.result(), instance, descriptor, mothershipId, serverId, prefix));
          }
          // Closed straight from the callback; the close future's listener runs off the closed event loops.
          second.vertx().close().onComplete(test.succeedingThenComplete());
        });
  }

  private static void checkRestarted(io.vertx.core.CompositeFuture after, JsonObject instance, JsonObject descriptor,
      String mothershipId, String serverId, String prefix) {
    HttpResponse<Buffer> kept = after.resultAt(0);
    assertThat(kept.statusCode()).as(kept.bodyAsString()).isEqualTo(200);
    JsonObject keptInstance = kept.bodyAsJsonObject();
    assertThat(keptInstance.getString("state")).isEqualTo("PLACED");
    assertThat(keptInstance.getInteger("generation")).isEqualTo(1);
    assertThat(keptInstance.getJsonArray("placements")).isEqualTo(instance.getJsonArray("placements"));
    JsonObject ms = after.<HttpResponse<Buffer>>resultAt(1).bodyAsJsonObject();
    assertThat(ms.getString("state")).isEqualTo("AVAILABLE");
    assertCapacity(ms.getJsonObject("capacity"), 4, 65536, 10000);
    assertCapacity(ms.getJsonObject("reserved"), 1.5, 512, 20);
    assertThat(ms.getInteger("instanceCount")).isEqualTo(1);
    JsonObject map = after.<HttpResponse<Buffer>>resultAt(2).bodyAsJsonObject();
    assertThat(wiredFrom(map, serverId)).containsExactly(mothershipId);
    assertThat(after.<HttpResponse<Buffer>>resultAt(3).bodyAsJsonObject()).isEqualTo(descriptor);
    assertThat(after.<HttpResponse<Buffer>>resultAt(4).bodyAsJsonObject().getJsonArray("urls"))
        .containsExactly(prefix + "/*");
    HttpResponse<Buffer> another = after.resultAt(5);
    assertThat(another.statusCode()).as(another.bodyAsString()).isEqualTo(201);
  }

  /**
   * Hubs are started and closed in one process by tests (and by anything embedding the hub): closing
   * one must not break another's error responses or logins. Runs after the tests using the shared hub.
   */
  @Test
  @Order(Integer.MAX_VALUE - 1)
  void closingAnotherHubInTheSameProcessLeavesThisHubWorking(VertxTestContext test) {
    try (TestHub other = TestHub.start(TestDatabase.create(dialect()), new JsonObject())) {
      TestHub.await(other.adminToken());
    }
    // Bounded: a hub that fails inside a callback may never answer at all.
    Future<HttpResponse<Buffer>> notFound = hub.client().get("/mothership/" + uuid())
        .bearerTokenAuthentication(admin).timeout(5_000).send();
    Future<HttpResponse<Buffer>> login = hub.client().post("/auth/login").timeout(5_000)
        .sendJsonObject(new JsonObject().put("username", "admin").put("password", TestHub.ADMIN_PASSWORD));
    Future.join(notFound, login).onComplete(done -> test.verify(() -> {
      // Both outcomes are reported, not just the first that is wrong.
      org.assertj.core.api.SoftAssertions.assertSoftly(softly -> {
        softly.assertThat(notFound.succeeded()).as("GET of an unknown mothership answered: %s", notFound.cause()).isTrue();
        if (notFound.succeeded()) {
          softly.assertThat(notFound.result().statusCode()).as("GET unknown mothership: %s", notFound.result().bodyAsString())
              .isEqualTo(404);
          softly.assertThat(notFound.result().getHeader("Content-Type")).isEqualTo(PROBLEM_JSON);
        }
        softly.assertThat(login.succeeded()).as("login answered within 5 s: %s", login.cause()).isTrue();
        if (login.succeeded()) {
          softly.assertThat(login.result().statusCode()).as("login: %s", login.result().bodyAsString()).isEqualTo(200);
        }
      });
      assertProblem(notFound.result(), 404);
      test.completeNow();
    }));
  }

  // --- 11. auth

  @Test
  void theCloudApiNeedsAToken(VertxTestContext test) {
    Future.all(List.of(
            call(HttpMethod.GET, "/mothership/all", null, Auth.NONE),
            hub.client().get("/mothership/all").putHeader("user", "not-a-token").send(),
            call(HttpMethod.POST, "/webcomponent/", component(unique("anon"), 1, pool(uuid()), "/anon/*"), Auth.NONE),
            call(HttpMethod.GET, "/v1.0/map", null, Auth.NONE)))
        .onComplete(test.succeeding(responses -> test.verify(() -> {
          for (int i = 0; i < 4; i++) {
            assertProblem(responses.resultAt(i), 401);
          }
          test.completeNow();
        })));
  }

  // --- helpers: HTTP

  private Future<HttpResponse<Buffer>> call(HttpMethod method, String path, JsonObject body, Auth auth) {
    HttpRequest<Buffer> request = hub.client().request(method, path);
    switch (auth) {
      case BEARER -> request.bearerTokenAuthentication(admin);
      case USER_HEADER -> request.putHeader("user", admin);
      case NONE -> { }
    }
    return body == null ? request.send() : request.sendJsonObject(body);
  }

  private Future<HttpResponse<Buffer>> route(String url, String session, Auth auth) {
    return call(HttpMethod.GET, "/v1.0/route?url=" + java.net.URLEncoder.encode(url, java.nio.charset.StandardCharsets.UTF_8)
        + "&session=" + session, null, auth);
  }

  private Future<JsonObject> map() {
    return call(HttpMethod.GET, "/v1.0/map", null, Auth.BEARER).map(response -> {
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      return response.bodyAsJsonObject();
    });
  }

  private Future<Integer> totalComponents() {
    return call(HttpMethod.GET, "/webcomponent/all", null, Auth.BEARER)
        .map(response -> response.bodyAsJsonObject().getInteger("total"));
  }

  private Future<List<JsonObject>> allPages(int start, List<JsonObject> pages) {
    return call(HttpMethod.GET, "/webcomponent/all?start=" + start + "&range=2", null, start % 4 == 0 ? Auth.BEARER : Auth.USER_HEADER)
        .compose(response -> {
          assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
          JsonObject page = response.bodyAsJsonObject();
          pages.add(page);
          int next = start + 2;
          if (next >= page.getInteger("total") || pages.size() > 5_000) {
            return Future.succeededFuture(pages);
          }
          return allPages(next, pages);
        });
  }

  /** The body of a 201, or a failed future saying what came instead. */
  private static Future<JsonObject> createdBody(Future<HttpResponse<Buffer>> response) {
    return response.map(r -> {
      if (r.statusCode() != 201) {
        throw new AssertionError("expected 201, got " + r.statusCode() + ": " + r.bodyAsString());
      }
      return r.bodyAsJsonObject();
    });
  }

  /** Asks {@code probe} every 100 ms until {@code done} holds, failing once {@code deadlineMillis} passed. */
  private <T> Future<T> eventually(Supplier<Future<T>> probe, Predicate<T> done, long deadlineMillis, String what) {
    Promise<T> promise = Promise.promise();
    attempt(probe, done, deadlineMillis, what, promise);
    return promise.future();
  }

  private <T> void attempt(Supplier<Future<T>> probe, Predicate<T> done, long deadlineMillis, String what,
      Promise<T> promise) {
    probe.get().onComplete(result -> {
      if (result.failed()) {
        promise.fail(result.cause());
      } else if (done.test(result.result())) {
        promise.complete(result.result());
      } else if (System.currentTimeMillis() > deadlineMillis) {
        Object last = result.result() instanceof HttpResponse<?> r ? r.bodyAsString() : result.result();
        promise.fail(new AssertionError("Timed out waiting for " + what + "; last answer: " + last));
      } else {
        hub.vertx().setTimer(100, tick -> attempt(probe, done, deadlineMillis, what, promise));
      }
    });
  }

  /** PUTs a heartbeat every {@code everyMillis} for {@code forMillis}; the answers, once all arrived. */
  private Future<List<HttpResponse<Buffer>>> heartbeatFor(String path, long everyMillis, long forMillis) {
    List<Future<HttpResponse<Buffer>>> beats = new CopyOnWriteArrayList<>();
    Promise<List<HttpResponse<Buffer>>> promise = Promise.promise();
    long periodic = hub.vertx().setPeriodic(everyMillis,
        tick -> beats.add(call(HttpMethod.PUT, path, null, beats.size() % 2 == 0 ? Auth.BEARER : Auth.USER_HEADER)));
    hub.vertx().setTimer(forMillis, done -> {
      hub.vertx().cancelTimer(periodic);
      List<Future<HttpResponse<Buffer>>> sent = List.copyOf(beats);
      Future.all(sent).map(all -> sent.stream().map(Future::result).toList()).onComplete(promise);
    });
    return promise.future();
  }

  // --- helpers: bodies

  static JsonObject mothership(String name, double cpu, JsonObject labels) {
    return new JsonObject().put("name", name).put("address", name + ".example:7000")
        .put("capacity", new JsonObject().put("cpu", cpu).put("ramMb", 65536).put("bandwidthMbps", 10000))
        .put("labels", labels);
  }

  static JsonObject server(String name, String... urls) {
    return new JsonObject().put("name", name).put("address", "http://" + name + ".example:8080")
        .put("urls", new JsonArray(List.of((Object[]) urls)));
  }

  static JsonObject component(String id, double cpu, JsonObject labels, String... urls) {
    return new JsonObject().put("id", id).put("version", VERSION)
        .put("urls", new JsonArray(List.of((Object[]) urls)))
        .put("resources", new JsonObject().put("cpu", cpu).put("ramMb", 128).put("bandwidthMbps", 1))
        .put("labels", labels);
  }

  static String instancesPath(JsonObject component) {
    return "/webcomponent/" + component.getString("id") + "/" + component.getString("version");
  }

  static JsonObject pool(String value) {
    return new JsonObject().put("pool", value);
  }

  // --- helpers: reading answers

  static List<String> idsOf(JsonArray items) {
    return items.stream().map(item -> ((JsonObject) item).getString("id")).toList();
  }

  static List<String> mothershipsOf(JsonObject instance) {
    return instance.getJsonArray("placements").stream()
        .map(p -> ((JsonObject) p).getString("mothershipId")).toList();
  }

  static Map<String, Integer> generationsById(JsonArray instances) {
    return instances.stream().map(JsonObject.class::cast)
        .collect(Collectors.toMap(i -> i.getString("instanceId"), i -> i.getInteger("generation")));
  }

  static String stateOf(JsonObject list, String id) {
    return list.getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(item -> id.equals(item.getString("id"))).map(item -> item.getString("state"))
        .findFirst().orElse(null);
  }

  static List<JsonObject> edges(JsonObject map) {
    return map.getJsonArray("edges").stream().map(JsonObject.class::cast).toList();
  }

  static List<String> wiredFrom(JsonObject map, String serverId) {
    return edges(map).stream().filter(e -> "wired".equals(e.getString("kind")) && serverId.equals(e.getString("from")))
        .map(e -> e.getString("to")).toList();
  }

  static List<String> nodeIds(JsonObject map, String kind) {
    return map.getJsonArray("nodes").stream().map(JsonObject.class::cast)
        .filter(n -> kind.equals(n.getString("kind"))).map(n -> n.getString("id")).toList();
  }

  static JsonObject node(JsonObject map, String id) {
    return map.getJsonArray("nodes").stream().map(JsonObject.class::cast)
        .filter(n -> id.equals(n.getString("id"))).findFirst()
        .orElseThrow(() -> new AssertionError("no node " + id + " in the map"));
  }

  static void assertCapacity(JsonObject capacity, double cpu, long ramMb, double bandwidthMbps) {
    assertThat(capacity).as("capacity").isNotNull();
    assertThat(capacity.getDouble("cpu")).as("cpu of " + capacity).isEqualTo(cpu);
    assertThat(capacity.getLong("ramMb")).as("ramMb of " + capacity).isEqualTo(ramMb);
    assertThat(capacity.getDouble("bandwidthMbps")).as("bandwidthMbps of " + capacity).isEqualTo(bandwidthMbps);
  }

  static void assertProblem(HttpResponse<?> response, int status) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).as(response.bodyAsString()).isEqualTo(PROBLEM_JSON);
    JsonObject problem = response.bodyAsJsonObject();
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("title")).isNotBlank();
    assertThat(problem.getString("detail")).isNotBlank();
  }

  static void assertProblem(HttpResponse<?> response, int status, String field) {
    assertProblem(response, status);
    JsonArray invalid = response.bodyAsJsonObject().getJsonArray("invalid-params");
    assertThat(invalid).as("invalid-params of " + response.bodyAsString()).isNotNull();
    assertThat(invalid.stream().map(p -> ((JsonObject) p).getString("name"))).contains(field);
  }

  static String uuid() {
    return UUID.randomUUID().toString();
  }

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}

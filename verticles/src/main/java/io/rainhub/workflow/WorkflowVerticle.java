package io.rainhub.workflow;

import static io.rainhub.bus.Addresses.*;

import io.rainhub.api.Tokens;
import io.rainhub.bus.BusFailure;
import io.rainhub.bus.Caller;
import io.rainhub.bus.LeaderRequests;
import io.rainhub.model.Recipes;
import io.rainhub.model.Topology;
import io.rainhub.store.DatabaseConfig;
import io.rainhub.store.Lease;
import io.rainhub.store.Store;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workflow engine's verticle, one per cloud: deployed by the leader with its epoch, it loads the
 * topologies and unfinished jobs, resumes them, and answers the topology API's bus addresses. Config:
 * {@code epoch, database, recipesDir, agentJar, localDir, hubUrl, jwtSecret}.
 */
public class WorkflowVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(WorkflowVerticle.class);
  private static final long MAX_WAIT_MILLIS = 60_000;
  /** Answers to requests already applied, by request id, so a request repeated across a retry makes one job. */
  private static final int REMEMBERED_ANSWERS = 10_000;

  private Store store;
  private Engine engine;
  private Operations operations;
  private boolean reloading;
  private final Map<String, JsonObject> answered = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, JsonObject> eldest) {
      return size() > REMEMBERED_ANSWERS;
    }
  };

  @Override
  public Future<?> start() {
    JsonObject conf = config();
    long epoch = conf.getLong("epoch");
    store = Store.open(vertx, DatabaseConfig.fromJson(conf.getJsonObject("database")));
    Path recipesDir = Path.of(conf.getString("recipesDir", "config/recipes"));
    return vertx.executeBlocking(() -> Recipes.load(recipesDir)).compose(recipes -> {
      recipes.warning().ifPresent(warning -> LOG.warn("Recipes: {}", warning));
      WorkflowStore workflowStore = new WorkflowStore(store, epoch, failure -> writeFailed(epoch, failure));
      Tokens tokens = conf.getString("jwtSecret") == null ? null : Tokens.forAgents(vertx, conf.getString("jwtSecret"));
      Map<String, Target> targets = new HashMap<>();
      engine = new Engine(vertx, workflowStore, recipes, new AgentCommands(vertx, store), targets);
      targets.put("local", new LocalTarget(vertx, workflowStore,
          Path.of(conf.getString("localDir", "data/topologies")),
          Path.of(conf.getString("agentJar", "agent-client/target/rain-agent.jar")),
          () -> hubUrl(conf), topology -> agentToken(workflowStore, tokens, topology)));
      targets.put("existing", new ExistingTarget(workflowStore, () -> engine.nodes.values()));
      operations = new Operations(engine);
      return JobLoader.loadInto(engine);
    }).onSuccess(loaded -> {
      engine.jobs.values().forEach(job -> {
        if (job.requestId != null) {
          answered.put(job.requestId, new JsonObject().put("jobId", job.id).put("id", job.topologyId));
        }
      });
      register();
      vertx.setPeriodic(60_000, tick -> pruneEndedJobs());
      LOG.info("Workflow engine at epoch {}: {} topologies, {} nodes, {} unfinished jobs resumed", epoch,
          engine.topologies.size(), engine.nodes.size(), engine.jobs.size());
      engine.schedule();
    });
  }

  /**
   * A write failed, so memory may be ahead of the store (a command id never stored, say): nothing
   * more runs from it. Fenced: the leader steps down. Otherwise the engine reloads what was stored and
   * carries on from there once the store answers again.
   */
  private void writeFailed(long epoch, Throwable failure) {
    if (reloading || engine == null) {
      return;
    }
    engine.stop();
    if (failure instanceof Lease.Fenced) {
      LOG.warn("A workflow write was fenced (epoch {}): another hub leads; stopping here", epoch);
      vertx.eventBus().send(LEADER_FENCED, new JsonObject().put("epoch", epoch));
      return;
    }
    reloading = true;
    LOG.error("A workflow write failed; reloading the engine from the store", failure);
    vertx.setTimer(1_000, tick -> reload());
  }

  private void reload() {
    Engine fresh = new Engine(vertx, engine.store, engine.recipes, engine.commands, engine.targets);
    JobLoader.loadInto(fresh).onSuccess(loaded -> {
      engine = fresh;
      operations = new Operations(fresh);
      reloading = false;
      LOG.info("Workflow engine reloaded: {} unfinished jobs resumed", fresh.jobs.size());
      fresh.schedule();
    }).onFailure(failed -> vertx.setTimer(2_000, tick -> reload()));
  }

  @Override
  public Future<?> stop() {
    if (engine != null) {
      engine.stop();
    }
    return store.close();
  }

  private void register() {
    mutation(WF_TOPOLOGY_CREATE, (body, caller) ->
        operations.create(Topology.fromJson(body.getJsonObject("topology")), caller, requestIdOf(body)));
    mutation(WF_TOPOLOGY_DELETE, (body, caller) -> operations.delete(body.getString("id"), caller, requestIdOf(body)));
    mutation(WF_COMPONENT_FLEX_UP, (body, caller) -> operations.flexUp(body.getString("id"), body.getInteger("count"),
        body.getString("role"), caller, requestIdOf(body)));
    mutation(WF_COMPONENT_STATUS, (body, caller) -> operations.status(body.getString("id"), caller, requestIdOf(body)));
    mutation(WF_COMPONENT_SETTINGS, (body, caller) -> operations.settings(body.getString("id"),
        body.getJsonObject("settings"), caller, requestIdOf(body)));
    mutation(WF_NODE_DELETE, (body, caller) -> operations.flexDown(body.getString("id"), caller, requestIdOf(body)));
    mutation(WF_NODE_REPLACE, (body, caller) -> operations.replace(body.getString("id"), caller, requestIdOf(body)));
    mutation(WF_NODE_SERVICES, (body, caller) -> operations.services(body.getString("id"), body.getString("action"),
        caller, requestIdOf(body)));
    mutation(WF_NODE_SCRIPTS, (body, caller) -> operations.scripts(body, caller, requestIdOf(body)));
    mutation(WF_JOB_CANCEL, (body, caller) -> operations.cancel(body.getString("id"), caller));
    read(WF_TOPOLOGY_LIST, (body, caller) -> Future.succeededFuture(Views.topologies(engine, caller,
        body.getInteger("start", 0), body.getInteger("range", 50))));
    read(WF_TOPOLOGY_GET, (body, caller) -> Future.succeededFuture(
        Views.topology(engine, operations.topology(body.getString("id"), caller))));
    read(WF_JOB_LIST, (body, caller) -> Views.jobs(engine, caller, body.getString("topology"), body.getString("state"),
        body.getInteger("start", 0), body.getInteger("range", 50)));
    read(WF_JOB_GET, (body, caller) -> waitForJob(body.getString("id"), caller,
        Math.min(MAX_WAIT_MILLIS, body.getLong("waitMs", 0L))));
  }

  /** Jobs ended a while ago leave memory: the store has them, and the engine walks memory often. */
  private void pruneEndedJobs() {
    long before = System.currentTimeMillis() - ENDED_JOBS_KEPT_MILLIS;
    engine.jobs.values().removeIf(job -> job.endStored && job.endedAt != null && job.endedAt < before);
  }

  private static final long ENDED_JOBS_KEPT_MILLIS = 10 * 60_000;

  /** The job now, or once it ended if that is within {@code waitMs}: checked as its tasks move. */
  private Future<JsonObject> waitForJob(String jobId, Caller caller, long waitMs) {
    Job job = engine.jobs.get(jobId);
    if (waitMs <= 0 || job == null || job.endStored) {
      return Views.job(engine, jobId, caller);
    }
    if (!caller.mayAct(job.tenantId)) {
      return Future.failedFuture(BusFailure.of(404, "No job " + jobId + ".", "id"));
    }
    io.vertx.core.Promise<JsonObject> settled = io.vertx.core.Promise.promise();
    long deadline = System.currentTimeMillis() + waitMs;
    long poll = vertx.setPeriodic(100, tick -> {
      if (job.endStored || System.currentTimeMillis() >= deadline) {
        settled.tryComplete(job.toJson());
      }
    });
    return settled.future().onComplete(done -> vertx.cancelTimer(poll));
  }

  private static String requestIdOf(JsonObject body) {
    return body.getString(REQUEST_ID_FIELD);
  }

  private static final String REQUEST_ID_FIELD = "_requestId";

  private void mutation(String address, BiFunction<JsonObject, Caller, Future<JsonObject>> operation) {
    vertx.eventBus().<JsonObject>consumer(address, message -> {
      String requestId = message.headers().get(LeaderRequests.REQUEST_ID);
      JsonObject seen = requestId == null ? null : answered.get(requestId);
      if (seen != null) {
        message.reply(seen);
        return;
      }
      JsonObject body = message.body().copy().put(REQUEST_ID_FIELD, requestId);
      answer(message, operation, body).onSuccess(reply -> {
        if (requestId != null) {
          answered.put(requestId, reply);
        }
      });
    });
  }

  private void read(String address, BiFunction<JsonObject, Caller, Future<JsonObject>> operation) {
    vertx.eventBus().<JsonObject>consumer(address, message -> answer(message, operation, message.body()));
  }

  private Future<JsonObject> answer(Message<JsonObject> message,
      BiFunction<JsonObject, Caller, Future<JsonObject>> operation, JsonObject body) {
    if (reloading) {
      BusFailure.notApplied(message, "The workflow engine is reloading after a storage failure; retry shortly.");
      return Future.failedFuture("reloading");
    }
    Future<JsonObject> result;
    try {
      result = operation.apply(body, Caller.of(body));
    } catch (ReplyException refused) {
      result = Future.failedFuture(refused);
    } catch (RuntimeException bug) {
      LOG.error("{} failed on {}", message.address(), body.encode(), bug);
      result = Future.failedFuture(BusFailure.of(500, "The workflow engine failed; see the hub log.", null));
    }
    return result.onSuccess(message::reply).onFailure(failure -> {
      if (failure instanceof ReplyException domain) {
        message.fail(domain.failureCode(), domain.getMessage());
      } else if (failure instanceof Lease.Fenced) {
        BusFailure.notApplied(message, "This hub lost the workflow engine to another hub; the request was not applied.");
      } else {
        LOG.error("{}: storing failed", message.address(), failure);
        BusFailure.reply(message, 503, "The change could not be stored; it was not applied. Retry.", null);
      }
    });
  }

  /** Where local agents find this hub: configured, else the port this hub's HTTP server bound (known once it listens). */
  private String hubUrl(JsonObject conf) {
    if (conf.getString("hubUrl") != null) {
      return conf.getString("hubUrl");
    }
    Object port = vertx.sharedData().getLocalMap(io.rainhub.api.HttpApiVerticle.LOCAL_MAP)
        .get(io.rainhub.api.HttpApiVerticle.PORT_KEY);
    return "http://127.0.0.1:" + (port == null ? 8080 : port);
  }

  /** The topology's agent token for its local processes: issued once (its record kept with the topology), signed each time. */
  private Future<String> agentToken(WorkflowStore workflowStore, Tokens tokens, TopologyRecord topology) {
    if (tokens == null) {
      return Future.failedFuture(new IllegalStateException("the workflow engine has no signing secret"));
    }
    if (topology.agentToken != null) {
      return Future.succeededFuture(tokens.issueAgent(topology.agentToken));
    }
    JsonObject request = new JsonObject().put("name", "topology-" + topology.spec.name() + "-" + topology.id.substring(0, 8))
        .put("ttlDays", 3650).put("createdBy", "hub");
    return vertx.eventBus().<JsonObject>request(IDENTITY_AGENT_TOKEN_CREATE, request).compose(reply -> {
      JsonObject record = reply.body();
      topology.agentToken = new JsonObject().put("id", record.getString("id")).put("name", record.getString("name"))
          .put("expiresAt", record.getString("expiresAt"));
      return workflowStore.write(WorkflowStore.topology(new Writes(), topology, engine.now()))
          .map(stored -> tokens.issueAgent(topology.agentToken));
    });
  }
}

package io.rainhub.hypervisor;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Rebuilds {@link CloudState} and the {@link Outbox} from the store: what the hypervisor does at start and after a failed write. */
final class CloudLoader {

  private static final String LAST_SEQS = "SELECT node_id, MAX(seq) AS last_seq FROM agent_commands GROUP BY node_id";
  private static final String ALL_PENDING = "SELECT * FROM agent_commands WHERE state = 'PENDING' ORDER BY node_id, seq";

  private CloudLoader() {
  }

  static Future<CloudState> load(SqlClient client) {
    return Future.all(List.of(
            client.query(CloudSql.ALL_SERVERS.toString()).execute(),
            client.query(CloudSql.ALL_MOTHERSHIPS.toString()).execute(),
            client.query(CloudSql.ALL_COMPONENTS.toString()).execute(),
            client.query(CloudSql.ALL_INSTANCES.toString()).execute(),
            client.query(CloudSql.ALL_PLACEMENTS.toString()).execute(),
            client.query(CloudSql.ALL_WIRES.toString()).execute(),
            client.query(CloudSql.ALL_AGENT_NODES.toString()).execute(),
            client.query(CloudSql.ALL_ENROLMENTS.toString()).execute()))
        .map(all -> {
          CloudState state = new CloudState();
          for (Row row : all.<RowSet<Row>>resultAt(0)) {
            state.putServer(server(row));
          }
          for (Row row : all.<RowSet<Row>>resultAt(1)) {
            state.putMothership(mothership(row));
          }
          for (Row row : all.<RowSet<Row>>resultAt(2)) {
            state.putComponent(WebComponent.fromDescriptor(new JsonObject(row.getString("descriptor")),
                row.getOffsetDateTime("created_at"), row.getString("tenant_id")));
          }
          Map<String, List<Instance.Placement>> placements = new HashMap<>();
          for (Row row : all.<RowSet<Row>>resultAt(4)) {
            placements.computeIfAbsent(row.getString("instance_id"), k -> new ArrayList<>()).add(
                new Instance.Placement(row.getString("mothership_id"),
                    Instance.Role.valueOf(row.getString("role")),
                    new Capacity(row.getDouble("cpu"), row.getLong("ram_mb"), row.getDouble("bandwidth_mbps"))));
          }
          for (Row row : all.<RowSet<Row>>resultAt(3)) {
            String id = row.getString("id");
            List<Instance.Placement> own = placements.getOrDefault(id, List.of());
            state.putInstance(new Instance(id, row.getString("component_id"), row.getString("version"),
                InstanceState.valueOf(row.getString("state")), row.getInteger("generation"),
                own.stream().sorted((a, b) -> a.role().compareTo(b.role())).toList(),
                row.getOffsetDateTime("created_at"), row.getString("tenant_id"),
                row.getString("failure") == null ? null : new JsonObject(row.getString("failure")),
                row.getString("progress"), row.getString("target_version")));
          }
          for (Row row : all.<RowSet<Row>>resultAt(5)) {
            state.wire(row.getString("rain_server_id"), row.getString("mothership_id"));
          }
          for (Row row : all.<RowSet<Row>>resultAt(6)) {
            state.putAgentNode(new AgentNode(row.getString("node_id"), AgentNode.NodeKind.parse(row.getString("kind")),
                row.getString("name"), row.getString("address"), row.getString("agent_version"),
                NodeState.valueOf(row.getString("state")), row.getOffsetDateTime("created_at"),
                row.getString("agent_token_id")));
          }
          for (Row row : all.<RowSet<Row>>resultAt(7)) {
            state.putEnrolment(row.getString("node_id"), row.getString("agent_token_id"));
          }
          return state;
        });
  }

  static Future<Outbox> loadOutbox(SqlClient client, long expiryMillis) {
    return Future.all(client.query(LAST_SEQS).execute(), client.query(ALL_PENDING).execute()).map(all -> {
      Outbox outbox = new Outbox(expiryMillis);
      for (Row row : all.<RowSet<Row>>resultAt(0)) {
        outbox.restoreLastSeq(row.getString("node_id"), row.getLong("last_seq"));
      }
      for (Row row : all.<RowSet<Row>>resultAt(1)) {
        outbox.restorePending(new AgentCommand(row.getString("command_id"), row.getString("node_id"),
            row.getLong("seq"), row.getString("action"), new JsonObject(row.getString("args")),
            row.getOffsetDateTime("created_at"), row.getOffsetDateTime("expires_at"), AgentCommand.PENDING, null,
            null));
      }
      return outbox;
    });
  }

  private static RainServer server(Row row) {
    List<UrlPattern> urls = new JsonArray(row.getString("urls")).stream().map(u -> new UrlPattern((String) u)).toList();
    return new RainServer(row.getString("id"), row.getString("name"), row.getString("address"), urls,
        new JsonObject(row.getString("labels")), row.getInteger("ttl_seconds"), null,
        NodeState.valueOf(row.getString("state").toUpperCase(Locale.ROOT)), row.getOffsetDateTime("created_at"));
  }

  private static Mothership mothership(Row row) {
    return new Mothership(row.getString("id"), row.getString("name"), row.getString("address"),
        new Capacity(row.getDouble("cpu"), row.getLong("ram_mb"), row.getDouble("bandwidth_mbps")),
        new JsonObject(row.getString("labels")), row.getInteger("ttl_seconds"), null,
        NodeState.valueOf(row.getString("state")), row.getBoolean("draining"), row.getOffsetDateTime("created_at"));
  }
}

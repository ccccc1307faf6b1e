package io.rainhub.hypervisor;

import io.rainhub.store.NamedSql;

/** Every statement the hypervisor writes or reads, named. */
final class CloudSql {

  static final NamedSql INSERT_SERVER = NamedSql.of("INSERT INTO rain_servers (id, name, address, urls, labels, ttl_seconds, state,"
      + " created_at) VALUES (#{id}, #{name}, #{address}, #{urls}, #{labels}, #{ttlSeconds}, #{state}, #{createdAt})");
  static final NamedSql SERVER_STATE = NamedSql.of("UPDATE rain_servers SET state = #{state} WHERE id = #{id}");
  static final NamedSql DELETE_SERVER = NamedSql.of("DELETE FROM rain_servers WHERE id = #{id}");
  static final NamedSql ALL_SERVERS = NamedSql.of("SELECT * FROM rain_servers ORDER BY created_at, id");

  static final NamedSql INSERT_MOTHERSHIP = NamedSql.of("INSERT INTO motherships (id, name, address, cpu, ram_mb, bandwidth_mbps,"
      + " labels, ttl_seconds, state, draining, created_at) VALUES (#{id}, #{name}, #{address}, #{cpu}, #{ramMb},"
      + " #{bandwidthMbps}, #{labels}, #{ttlSeconds}, #{state}, #{draining}, #{createdAt})");
  static final NamedSql MOTHERSHIP_STATE = NamedSql.of("UPDATE motherships SET state = #{state} WHERE id = #{id}");
  static final NamedSql MOTHERSHIP_DRAINING = NamedSql.of("UPDATE motherships SET draining = #{draining} WHERE id = #{id}");
  static final NamedSql DELETE_MOTHERSHIP = NamedSql.of("DELETE FROM motherships WHERE id = #{id}");
  static final NamedSql ALL_MOTHERSHIPS = NamedSql.of("SELECT * FROM motherships ORDER BY created_at, id");

  static final NamedSql INSERT_COMPONENT = NamedSql.of("INSERT INTO web_components (id, version, descriptor, created_at,"
      + " tenant_id) VALUES (#{id}, #{version}, #{descriptor}, #{createdAt}, #{tenantId})");
  static final NamedSql DELETE_COMPONENT = NamedSql.of("DELETE FROM web_components WHERE id = #{id} AND version = #{version}");
  static final NamedSql ALL_COMPONENTS = NamedSql.of("SELECT * FROM web_components");

  static final NamedSql INSERT_INSTANCE = NamedSql.of("INSERT INTO instances (id, component_id, version, state, generation,"
      + " created_at, tenant_id) VALUES (#{id}, #{componentId}, #{version}, #{state}, #{generation}, #{createdAt},"
      + " #{tenantId})");
  /** A state change also ends a failure and a step in progress: only FAILED keeps a failure (INSTANCE_FAILURE). */
  static final NamedSql INSTANCE_STATE = NamedSql.of("UPDATE instances SET state = #{state}, failure = NULL,"
      + " progress = NULL WHERE id = #{id}");
  static final NamedSql INSTANCE_GENERATION = NamedSql.of("UPDATE instances SET generation = #{generation} WHERE id = #{id}");
  static final NamedSql INSTANCE_FAILURE = NamedSql.of("UPDATE instances SET state = #{state}, failure = #{failure},"
      + " progress = NULL WHERE id = #{id}");
  static final NamedSql INSTANCE_PROGRESS = NamedSql.of("UPDATE instances SET progress = #{progress} WHERE id = #{id}");
  static final NamedSql INSTANCE_TARGET_VERSION = NamedSql.of("UPDATE instances SET target_version = #{targetVersion}"
      + " WHERE id = #{id}");
  static final NamedSql INSTANCE_VERSION = NamedSql.of("UPDATE instances SET version = #{version},"
      + " target_version = NULL, progress = NULL WHERE id = #{id}");
  static final NamedSql DELETE_INSTANCE = NamedSql.of("DELETE FROM instances WHERE id = #{id}");
  static final NamedSql ALL_INSTANCES = NamedSql.of("SELECT * FROM instances ORDER BY created_at, id");

  static final NamedSql INSERT_PLACEMENT = NamedSql.of("INSERT INTO placements (instance_id, mothership_id, role, cpu, ram_mb,"
      + " bandwidth_mbps) VALUES (#{instanceId}, #{mothershipId}, #{role}, #{cpu}, #{ramMb}, #{bandwidthMbps})");
  static final NamedSql PLACEMENT_ROLE = NamedSql.of("UPDATE placements SET role = #{role} WHERE instance_id = #{instanceId}"
      + " AND mothership_id = #{mothershipId}");
  static final NamedSql DELETE_PLACEMENT = NamedSql.of("DELETE FROM placements WHERE instance_id = #{instanceId}"
      + " AND mothership_id = #{mothershipId}");
  static final NamedSql DELETE_PLACEMENTS_OF_INSTANCE = NamedSql.of("DELETE FROM placements WHERE instance_id = #{instanceId}");
  static final NamedSql ALL_PLACEMENTS = NamedSql.of("SELECT * FROM placements");

  static final NamedSql INSERT_WIRE = NamedSql.of("INSERT INTO wiring (rain_server_id, mothership_id) VALUES (#{serverId}, #{mothershipId})");
  static final NamedSql DELETE_WIRE = NamedSql.of("DELETE FROM wiring WHERE rain_server_id = #{serverId} AND mothership_id = #{mothershipId}");
  static final NamedSql ALL_WIRES = NamedSql.of("SELECT * FROM wiring");

  static final NamedSql INSERT_AGENT_NODE = NamedSql.of("INSERT INTO agent_nodes (node_id, kind, name, address,"
      + " agent_version, state, created_at, agent_token_id) VALUES (#{nodeId}, #{kind}, #{name}, #{address},"
      + " #{agentVersion}, #{state}, #{createdAt}, #{agentTokenId})");
  static final NamedSql AGENT_NODE_BINDING = NamedSql.of("UPDATE agent_nodes SET agent_token_id = #{agentTokenId}"
      + " WHERE node_id = #{nodeId}");
  static final NamedSql INSERT_ENROLMENT = NamedSql.of("INSERT INTO node_enrolments (node_id, agent_token_id, enrolled_at)"
      + " VALUES (#{nodeId}, #{agentTokenId}, #{enrolledAt})");
  static final NamedSql DELETE_ENROLMENT = NamedSql.of("DELETE FROM node_enrolments WHERE node_id = #{nodeId}");
  static final NamedSql ALL_ENROLMENTS = NamedSql.of("SELECT * FROM node_enrolments");
  static final NamedSql AGENT_NODE_VERSION = NamedSql.of("UPDATE agent_nodes SET agent_version = #{agentVersion}"
      + " WHERE node_id = #{nodeId}");
  static final NamedSql AGENT_NODE_LABELS = NamedSql.of("UPDATE agent_nodes SET labels = #{labels} WHERE node_id = #{nodeId}");
  static final NamedSql AGENT_NODE_STATE = NamedSql.of("UPDATE agent_nodes SET state = #{state} WHERE node_id = #{nodeId}");
  static final NamedSql DELETE_AGENT_NODE = NamedSql.of("DELETE FROM agent_nodes WHERE node_id = #{nodeId}");
  static final NamedSql ALL_AGENT_NODES = NamedSql.of("SELECT * FROM agent_nodes ORDER BY created_at, node_id");

  private CloudSql() {
  }
}

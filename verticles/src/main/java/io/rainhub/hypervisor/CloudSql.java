package io.rainhub.hypervisor;

/** Every statement the hypervisor writes or reads, named. */
final class CloudSql {

  static final String INSERT_SERVER = "INSERT INTO rain_servers (id, name, address, urls, labels, ttl_seconds, state,"
      + " created_at) VALUES (#{id}, #{name}, #{address}, #{urls}, #{labels}, #{ttlSeconds}, #{state}, #{createdAt})";
  static final String SERVER_STATE = "UPDATE rain_servers SET state = #{state} WHERE id = #{id}";
  static final String DELETE_SERVER = "DELETE FROM rain_servers WHERE id = #{id}";
  static final String ALL_SERVERS = "SELECT * FROM rain_servers ORDER BY created_at, id";

  static final String INSERT_MOTHERSHIP = "INSERT INTO motherships (id, name, address, cpu, ram_mb, bandwidth_mbps,"
      + " labels, ttl_seconds, state, draining, created_at) VALUES (#{id}, #{name}, #{address}, #{cpu}, #{ramMb},"
      + " #{bandwidthMbps}, #{labels}, #{ttlSeconds}, #{state}, #{draining}, #{createdAt})";
  static final String MOTHERSHIP_STATE = "UPDATE motherships SET state = #{state} WHERE id = #{id}";
  static final String MOTHERSHIP_DRAINING = "UPDATE motherships SET draining = #{draining} WHERE id = #{id}";
  static final String ALL_MOTHERSHIPS = "SELECT * FROM motherships ORDER BY created_at, id";

  static final String INSERT_COMPONENT = "INSERT INTO web_components (id, version, descriptor, created_at)"
      + " VALUES (#{id}, #{version}, #{descriptor}, #{createdAt})";
  static final String DELETE_COMPONENT = "DELETE FROM web_components WHERE id = #{id} AND version = #{version}";
  static final String ALL_COMPONENTS = "SELECT * FROM web_components";

  static final String INSERT_INSTANCE = "INSERT INTO instances (id, component_id, version, state, generation,"
      + " created_at) VALUES (#{id}, #{componentId}, #{version}, #{state}, #{generation}, #{createdAt})";
  static final String INSTANCE_STATE = "UPDATE instances SET state = #{state} WHERE id = #{id}";
  static final String INSTANCE_GENERATION = "UPDATE instances SET generation = #{generation} WHERE id = #{id}";
  static final String DELETE_INSTANCE = "DELETE FROM instances WHERE id = #{id}";
  static final String ALL_INSTANCES = "SELECT * FROM instances ORDER BY created_at, id";

  static final String INSERT_PLACEMENT = "INSERT INTO placements (instance_id, mothership_id, role, cpu, ram_mb,"
      + " bandwidth_mbps) VALUES (#{instanceId}, #{mothershipId}, #{role}, #{cpu}, #{ramMb}, #{bandwidthMbps})";
  static final String PLACEMENT_ROLE = "UPDATE placements SET role = #{role} WHERE instance_id = #{instanceId}"
      + " AND mothership_id = #{mothershipId}";
  static final String DELETE_PLACEMENT = "DELETE FROM placements WHERE instance_id = #{instanceId}"
      + " AND mothership_id = #{mothershipId}";
  static final String DELETE_PLACEMENTS_OF_INSTANCE = "DELETE FROM placements WHERE instance_id = #{instanceId}";
  static final String ALL_PLACEMENTS = "SELECT * FROM placements";

  static final String INSERT_WIRE = "INSERT INTO wiring (rain_server_id, mothership_id) VALUES (#{serverId}, #{mothershipId})";
  static final String DELETE_WIRE = "DELETE FROM wiring WHERE rain_server_id = #{serverId} AND mothership_id = #{mothershipId}";
  static final String ALL_WIRES = "SELECT * FROM wiring";

  private CloudSql() {
  }
}

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

  /** {name, ttlDays, createdBy} → agent token record; the API signs the JWT. */
  public static final String IDENTITY_AGENT_TOKEN_CREATE = "identity.agenttoken.create";
  /** {} → {items: [agent token record]} */
  public static final String IDENTITY_AGENT_TOKEN_LIST = "identity.agenttoken.list";
  /** {id} → the record, now revoked (revoking twice changes nothing); fails 404 when unknown. */
  public static final String IDENTITY_AGENT_TOKEN_REVOKE = "identity.agenttoken.revoke";

  /** {id} → {valid}: false when no such agent token was issued or it was revoked. */
  public static final String IDENTITY_AGENT_TOKEN_CHECK = "identity.agenttoken.check";
  /** Published with {id} when an agent token is revoked: gateways close the sessions it opened. */
  public static final String AGENT_TOKEN_REVOKED = "identity.agenttoken.revoked";

  /**
   * The hypervisor answers one address per operation of the cloud API; requests and replies are the
   * JSON bodies of the HTTP API (see openapi/rainhub.yaml). Ids travel as {@code id}, {@code version},
   * {@code instanceId}.
   */
  public static final String HV_SERVER_REGISTER = "hypervisor.rainserver.register";
  public static final String HV_SERVER_LIST = "hypervisor.rainserver.list";
  public static final String HV_SERVER_URLS = "hypervisor.rainserver.urls";
  public static final String HV_SERVER_RESET = "hypervisor.rainserver.reset";
  public static final String HV_SERVER_UNREGISTER = "hypervisor.rainserver.unregister";
  public static final String HV_SERVER_HEARTBEAT = "hypervisor.rainserver.heartbeat";
  public static final String HV_MOTHERSHIP_REGISTER = "hypervisor.mothership.register";
  public static final String HV_MOTHERSHIP_LIST = "hypervisor.mothership.list";
  public static final String HV_MOTHERSHIP_GET = "hypervisor.mothership.get";
  public static final String HV_MOTHERSHIP_INSTANCES = "hypervisor.mothership.instances";
  public static final String HV_MOTHERSHIP_HEARTBEAT = "hypervisor.mothership.heartbeat";
  /** {id, draining} → the mothership summary; draining, also {moved, stayed}: its instances moved elsewhere. */
  public static final String HV_MOTHERSHIP_DRAIN = "hypervisor.mothership.drain";
  /** {id} → {id, state: REMOVED, releasedInstances}; 409 for an agent's node still online and not draining. */
  public static final String HV_MOTHERSHIP_DELETE = "hypervisor.mothership.delete";
  public static final String HV_COMPONENT_DEPLOY = "hypervisor.component.deploy";
  public static final String HV_COMPONENT_LIST = "hypervisor.component.list";
  public static final String HV_COMPONENT_GET = "hypervisor.component.get";
  public static final String HV_COMPONENT_DESCRIPTOR = "hypervisor.component.descriptor";
  public static final String HV_COMPONENT_STATISTICS = "hypervisor.component.statistics";
  public static final String HV_COMPONENT_INSTANTIATE = "hypervisor.component.instantiate";
  public static final String HV_COMPONENT_REFRESH = "hypervisor.component.refresh";
  public static final String HV_COMPONENT_UNDEPLOY = "hypervisor.component.undeploy";
  public static final String HV_INSTANCE_GET = "hypervisor.instance.get";
  public static final String HV_INSTANCE_CLUSTER = "hypervisor.instance.cluster";
  public static final String HV_INSTANCE_REFRESH = "hypervisor.instance.refresh";
  public static final String HV_INSTANCE_STOP = "hypervisor.instance.stop";
  /** {instanceId, version} → the instance, showing targetVersion until its agent confirms the update. */
  public static final String HV_INSTANCE_UPDATE = "hypervisor.instance.update";
  /** {instanceId} → the instance, PLACED again; 409 unless it was FAILED. */
  public static final String HV_INSTANCE_RESTART = "hypervisor.instance.restart";
  public static final String HV_ROUTE = "hypervisor.route";
  public static final String HV_MAP = "hypervisor.map";

  /**
   * Agents (see docs/agent-protocol.md). The gateway speaks to the hypervisor on these; bodies carry
   * {@code nodeId} once the node is known.
   * HELLO: a validated hello body → {nodeId, kind, state, heartbeatIntervalMs, ttlMs}.
   */
  public static final String HV_AGENT_HELLO = "hypervisor.agent.hello";
  /** {nodeId, metrics, instances} → {} once the maps hold it; fails 404 for an unknown node. */
  public static final String HV_AGENT_HEARTBEAT = "hypervisor.agent.heartbeat";
  /** {nodeId} → {commands: [command frames]}: everything of the node's outbox without a result. */
  public static final String HV_AGENT_PENDING = "hypervisor.agent.pending";
  /** {nodeId, commandId, status, exitCode?, output?, data?} → {} once the result is stored. */
  public static final String HV_AGENT_RESULT = "hypervisor.agent.result";
  /** {nodeId, event} → {} once the event is stored. */
  public static final String HV_AGENT_EVENT = "hypervisor.agent.event";
  /** {nodeId, reason?} → {nodeId, state}: the agent stops cleanly; its node leaves (LEFT) at once. */
  public static final String HV_AGENT_GOODBYE = "hypervisor.agent.goodbye";
  /** {start, range} → {total, start, range, items: [agent node with liveness, metrics and pending command count]} */
  public static final String HV_AGENT_LIST = "hypervisor.agent.list";
  /**
   * {nodeId, agentTokenId} → {nodeId, kind, agentTokenId, previousAgentTokenId?, agentManaged}: binds the node
   * to the agent token (an admin's enrolment); 404 for an unknown node.
   */
  public static final String HV_NODE_ENROL = "hypervisor.node.enrol";
  /** {nodeId, commandId, action, args} → the stored command; fails 404 for an unknown node. */
  public static final String HV_COMMAND_SEND = "hypervisor.command.send";

  /**
   * The workflow engine (docs/workflows.md), on the leader. Bodies carry the caller; requests and
   * replies are the JSON of the topology API. Ids travel as {@code id}.
   */
  public static final String WF_TOPOLOGY_CREATE = "workflow.topology.create";
  public static final String WF_TOPOLOGY_LIST = "workflow.topology.list";
  public static final String WF_TOPOLOGY_GET = "workflow.topology.get";
  public static final String WF_TOPOLOGY_DELETE = "workflow.topology.delete";
  /** {id: component id, count, role?} → {jobId, nodes}. */
  public static final String WF_COMPONENT_FLEX_UP = "workflow.component.flexup";
  public static final String WF_COMPONENT_STATUS = "workflow.component.status";
  /** {id: component id, settings} → {jobId}. */
  public static final String WF_COMPONENT_SETTINGS = "workflow.component.settings";
  public static final String WF_NODE_DELETE = "workflow.node.delete";
  public static final String WF_NODE_REPLACE = "workflow.node.replace";
  /** {id: node id, action: start|stop|restart} → {jobId}. */
  public static final String WF_NODE_SERVICES = "workflow.node.services";
  /** {topologyId? | componentId? | nodeIds?} → {jobId}. */
  public static final String WF_NODE_SCRIPTS = "workflow.node.scripts";
  /** {topology?, state?, start, range} → a page of jobs. */
  public static final String WF_JOB_LIST = "workflow.job.list";
  /** {id, waitMs?} → the job, once it ended or waitMs passed. */
  public static final String WF_JOB_GET = "workflow.job.get";
  public static final String WF_JOB_CANCEL = "workflow.job.cancel";

  /** Prefix + nodeId: command frames for the node, published by the hypervisor after commit. */
  public static final String AGENT_NODE_PREFIX = "agents.node.";
  /** Prefix + commandId: the finished command, published by the hypervisor after commit. */
  public static final String COMMAND_DONE_PREFIX = "agents.command.done.";

  /**
   * Local to each hub: {epoch} sent by a singleton whose write was fenced; the leader verticle then
   * stops the singletons and campaigns again.
   */
  public static final String LEADER_FENCED = "leader.fenced";

  /**
   * Published on each hub's local bus by the events verticle: a JSON array of events just
   * committed, in sequence order. Streams to clients follow it.
   */
  public static final String EVENTS_APPENDED = "events.appended";

  private Addresses() {
  }
}

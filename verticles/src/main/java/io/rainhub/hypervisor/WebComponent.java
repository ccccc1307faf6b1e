package io.rainhub.hypervisor;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * A deployed web component version and its descriptor (the RAIN meta.json): the URLs it serves,
 * the resources one instance needs, the node labels it requires and how many replicas to run. It
 * belongs to the tenant that deployed it ({@code tenantId}); ids are global, so two tenants cannot
 * deploy the same id and version.
 */
public record WebComponent(String id, String version, String description, List<UrlPattern> urls,
    Capacity resources, JsonObject requiredLabels, int replicas, JsonObject descriptor, OffsetDateTime createdAt,
    String tenantId) {

  public String key() {
    return key(id, version);
  }

  public static String key(String id, String version) {
    return id + "@" + version;
  }

  /** Builds the component from a descriptor that was validated at the edge; nobody's (tests of placement). */
  public static WebComponent fromDescriptor(JsonObject descriptor, OffsetDateTime createdAt) {
    return fromDescriptor(descriptor, createdAt, null);
  }

  /** Builds the component {@code tenantId} deployed from a descriptor that was validated at the edge. */
  public static WebComponent fromDescriptor(JsonObject descriptor, OffsetDateTime createdAt, String tenantId) {
    List<UrlPattern> urls = descriptor.getJsonArray("urls").stream().map(url -> new UrlPattern((String) url)).toList();
    return new WebComponent(descriptor.getString("id"), descriptor.getString("version"),
        descriptor.getString("description"), urls, Capacity.fromJson(descriptor.getJsonObject("resources")),
        descriptor.getJsonObject("labels", new JsonObject()), descriptor.getInteger("replicas", 1), descriptor,
        createdAt, tenantId);
  }

  public JsonObject summaryJson() {
    return new JsonObject().put("id", id).put("version", version).put("description", description)
        .put("urls", descriptor.getJsonArray("urls")).put("resources", resources.toJson())
        .put("replicas", replicas).put("createdAt", createdAt.toString()).put("tenantId", tenantId);
  }
}

package io.rainhub.model;

import io.rainhub.api.Problem;
import io.rainhub.api.Problem.InvalidParam;
import io.rainhub.api.ProblemException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Checks a topology document (docs/workflows.md, "The topology document") and applies its
 * defaults. First the JSON Schema ({@link #SCHEMA_RESOURCE}); only a document it accepts gets the
 * checks a schema cannot express ({@link TopologyChecks}: recipes, names, references, cycles).
 * Every fault found is reported at once, up to {@link #MAX_FAULTS}, as a 400 problem whose
 * invalid-params name the JSON pointer at fault.
 */
public final class TopologyValidator {

  public static final String SCHEMA_RESOURCE = "schemas/topology.json";
  /** Enough for a client to fix a document in a few rounds, small enough to read. */
  public static final int MAX_FAULTS = 20;

  private static final JsonObject SCHEMA = readSchema();

  private final Recipes recipes;
  private final Validator validator;
  private final SchemaFaults schemaFaults;

  public TopologyValidator(Recipes recipes) {
    this.recipes = recipes;
    this.validator = Validator.create(JsonSchema.of(SCHEMA.copy()), new JsonSchemaOptions()
        .setDraft(Draft.DRAFT202012)
        .setOutputFormat(OutputFormat.Basic)
        .setBaseUri(SCHEMA.getString("$id")));
    this.schemaFaults = new SchemaFaults(SCHEMA);
  }

  /** The JSON Schema of a topology document, as served at {@code GET /v1.0/schemas/topology.json}. */
  public static JsonObject schema() {
    return SCHEMA.copy();
  }

  /**
   * The topology {@code body} describes, defaults applied; a {@link ProblemException} (400) naming
   * every fault otherwise. {@code body} may be anything a JSON decoder returns: a non-object is a
   * 400 at pointer {@code ""} (the whole document).
   */
  public Topology validate(Object body) {
    body = withoutNulls(body);
    OutputUnit result = validator.validate(body);
    if (!Boolean.TRUE.equals(result.getValid())) {
      throw invalid(schemaFaults.of(result, body));
    }
    JsonObject document = (JsonObject) body;
    TopologyChecks checks = new TopologyChecks(document, recipes);
    List<InvalidParam> faults = checks.faults();
    if (!faults.isEmpty()) {
      throw invalid(faults);
    }
    return build(document);
  }

  public Topology validate(JsonObject body) {
    return validate((Object) body);
  }

  private Topology build(JsonObject document) {
    List<ComponentSpec> components = new ArrayList<>();
    for (Object item : document.getJsonArray("components")) {
      components.add(component((JsonObject) item));
    }
    return new Topology(document.getString("name"), document.getString("availability_zone"),
        document.getString("target", Topology.TARGET_LOCAL), components);
  }

  private ComponentSpec component(JsonObject json) {
    Recipe recipe = recipes.find(json.getString("type"), json.getString("version")).orElseThrow();
    String name = json.getString("name");
    int size = json.getNumber("size").intValue();
    String flavor = json.getString("flavor");
    String antiAffinity = json.getString("anti_affinity_group");
    JsonObject settings = recipe.settingDefaults().mergeIn(json.getJsonObject("settings", new JsonObject()));
    List<NodeGroup> groups = new ArrayList<>();
    groups.add(new NodeGroup(NodeGroup.DEFAULT_ROLE, name, size, flavor, antiAffinity, settings));
    for (Object item : json.getJsonArray("submodules", new JsonArray())) {
      JsonObject sub = (JsonObject) item;
      groups.add(new NodeGroup(sub.getString("role"), sub.getString("name"), sub.getNumber("size").intValue(),
          sub.getString("flavor", flavor), sub.getString("anti_affinity_group", antiAffinity),
          settings.copy().mergeIn(sub.getJsonObject("settings", new JsonObject()))));
    }
    List<ImportSpec> imports = new ArrayList<>();
    for (Object item : json.getJsonArray("imports", new JsonArray())) {
      JsonObject spec = (JsonObject) item;
      imports.add(new ImportSpec(spec.getString("component"), ModelJson.strings(spec.getJsonArray("vars")),
          spec.getBoolean("optional", false)));
    }
    return new ComponentSpec(name, recipe.type(), recipe.version(), size, dependsOn(json), flavor, antiAffinity,
        settings, imports, groups);
  }

  /** {@code depends_on} as a list, each name once. */
  static List<String> dependsOn(JsonObject component) {
    Object value = component.getValue("depends_on");
    if (value == null) {
      return List.of();
    }
    if (value instanceof String single) {
      return List.of(single);
    }
    return List.copyOf(new LinkedHashSet<>(ModelJson.strings((JsonArray) value)));
  }

  /** A copy without null members: as for every request body, a field sent as null is taken as absent. */
  private static Object withoutNulls(Object value) {
    if (value instanceof JsonObject object) {
      JsonObject copy = new JsonObject();
      object.forEach(e -> {
        if (e.getValue() != null) {
          copy.put(e.getKey(), withoutNulls(e.getValue()));
        }
      });
      return copy;
    }
    if (value instanceof JsonArray array) {
      JsonArray copy = new JsonArray();
      array.forEach(item -> copy.add(withoutNulls(item)));
      return copy;
    }
    return value;
  }

  private static ProblemException invalid(List<InvalidParam> faults) {
    List<InvalidParam> listed = faults.size() > MAX_FAULTS ? faults.subList(0, MAX_FAULTS) : faults;
    String detail = faults.size() > MAX_FAULTS
        ? "The topology has " + faults.size() + " errors; the first " + MAX_FAULTS + " are listed."
        : "The topology has " + faults.size() + " error(s).";
    return new ProblemException(new Problem(400, "Invalid topology", detail, List.copyOf(listed)));
  }

  private static JsonObject readSchema() {
    try (InputStream in = TopologyValidator.class.getClassLoader().getResourceAsStream(SCHEMA_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + SCHEMA_RESOURCE + " is missing from the classpath");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + SCHEMA_RESOURCE, e);
    }
  }
}

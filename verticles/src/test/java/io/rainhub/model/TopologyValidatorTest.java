package io.rainhub.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.rainhub.api.Problem;
import io.rainhub.api.Problem.InvalidParam;
import io.rainhub.api.ProblemException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopologyValidatorTest {

  private static TopologyValidator validator;

  @BeforeAll
  static void recipes(@TempDir Path dir) {
    validator = new TopologyValidator(RecipeFixture.load(dir));
  }

  /** The example of docs/workflows.md. */
  static JsonObject shop() {
    return new JsonObject("""
        {"name": "shop", "availability_zone": "local-1", "target": "local",
         "components": [
           {"name": "db", "type": "postgresql", "version": "1.0", "size": 1},
           {"name": "app", "type": "webapp", "version": "1.0", "size": 2, "depends_on": "db",
            "settings": {"greeting": "hello"},
            "imports": [{"component": "db", "vars": ["ip", "port", "database"]}]},
           {"name": "lb", "type": "haproxy", "version": "1.0", "size": 1, "depends_on": ["app"],
            "imports": [{"component": "app", "vars": ["ip", "port"], "optional": false}]}
         ]}""");
  }

  private static JsonObject shopWith(Consumer<JsonArray> change) {
    JsonObject doc = shop();
    change.accept(doc.getJsonArray("components"));
    return doc;
  }

  private static JsonObject comp(JsonArray components, int i) {
    return components.getJsonObject(i);
  }

  private static List<InvalidParam> faults(Object body) {
    ProblemException e = catchThrowableOfType(ProblemException.class, () -> validator.validate(body));
    assertThat(e).as("a 400 for %s", body).isNotNull();
    assertThat(e.problem().status()).isEqualTo(400);
    return e.problem().invalidParams();
  }

  private static InvalidParam onlyFault(Object body) {
    List<InvalidParam> faults = faults(body);
    assertThat(faults).hasSize(1);
    return faults.get(0);
  }

  private static void assertFault(Object body, String pointer, String reasonPart) {
    InvalidParam fault = onlyFault(body);
    assertThat(fault.name()).isEqualTo(pointer);
    assertThat(fault.reason()).contains(reasonPart);
  }

  @Test
  void theDocumentExampleIsValidWithItsDefaultsApplied() {
    Topology t = validator.validate(shop().copy().put("target", (String) null));

    assertThat(t.name()).isEqualTo("shop");
    assertThat(t.availabilityZone()).isEqualTo("local-1");
    assertThat(t.target()).isEqualTo("local");
    ComponentSpec db = t.component("db").orElseThrow();
    ComponentSpec app = t.component("app").orElseThrow();
    ComponentSpec lb = t.component("lb").orElseThrow();
    assertThat(db.dependsOn()).isEmpty();
    assertThat(db.imports()).isEmpty();
    assertThat(db.settings()).isEqualTo(new JsonObject().put("max_connections", 20));
    assertThat(app.dependsOn()).containsExactly("db");
    assertThat(lb.dependsOn()).containsExactly("app");
    assertThat(app.imports()).containsExactly(new ImportSpec("db", List.of("ip", "port", "database"), false));
    assertThat(app.settings()).isEqualTo(new JsonObject().put("greeting", "hello").put("threads", 4));
    assertThat(app.groups()).containsExactly(new NodeGroup("default", "app", 2, null, null, app.settings()));
    assertThat(app.poolLabel()).isEqualTo("pool=webapp");
  }

  @Test
  void submodulesBecomeNodeGroupsWithMergedSettings() {
    Topology t = validator.validate(shopWith(cs -> comp(cs, 1).put("flavor", "small")
        .put("submodules", new JsonArray("""
            [{"role": "worker", "name": "jobs", "size": 3, "settings": {"threads": 8}},
             {"role": "canary", "name": "canary", "size": 1, "flavor": "big", "anti_affinity_group": "x"}]"""))));

    ComponentSpec app = t.component("app").orElseThrow();
    assertThat(app.groups()).containsExactly(
        new NodeGroup("default", "app", 2, "small", null, new JsonObject().put("greeting", "hello").put("threads", 4)),
        new NodeGroup("worker", "jobs", 3, "small", null, new JsonObject().put("greeting", "hello").put("threads", 8)),
        new NodeGroup("canary", "canary", 1, "big", "x", new JsonObject().put("greeting", "hello").put("threads", 4)));
    assertThat(app.totalSize()).isEqualTo(6);
    assertThat(app.poolLabel()).isEqualTo("pool=small");
  }

  @Test
  void aBodyThatIsNotAnObjectIsRefused() {
    assertFault(new JsonArray().add(1), "", "must be an object");
    assertFault("shop", "", "must be an object");
    assertFault(null, "", "must be an object");
  }

  @Test
  void aMissingRequiredFieldIsNamed() {
    assertFault(shop().copy().put("availability_zone", (String) null), "/availability_zone", "is required");
    assertFault(shopWith(cs -> comp(cs, 2).remove("size")), "/components/2/size", "is required");
  }

  @Test
  void anUnknownFieldIsRefusedAtEveryLevel() {
    assertFault(shop().put("extra", 1), "/extra", "is not a known field");
    assertFault(shopWith(cs -> comp(cs, 0).put("bogus", true)), "/components/0/bogus", "expected one of name, type");
    assertFault(shopWith(cs -> comp(cs, 1).getJsonArray("imports").getJsonObject(0).put("as", "x")),
        "/components/1/imports/0/as", "is not a known field");
    assertFault(shopWith(cs -> comp(cs, 0).put("submodules", new JsonArray()
        .add(new JsonObject().put("role", "replica").put("name", "replica").put("size", 1).put("type", "x")))),
        "/components/0/submodules/0/type", "is not a known field");
  }

  @Test
  void namesMustMatchTheirPatterns() {
    assertFault(shop().put("name", "sh op"), "/name", "must be 1 to 64 letters");
    assertFault(shop().put("name", "x".repeat(65)), "/name", "must be 1 to 64 letters");
    assertFault(shop().put("availability_zone", "-zone"), "/availability_zone", "starting with a letter or digit");
    assertFault(shopWith(cs -> comp(cs, 0).put("name", "DB")), "/components/0/name", "a lower-case letter");
  }

  @Test
  void targetIsLocalOrExisting() {
    assertThat(validator.validate(shop().put("target", "existing")).target()).isEqualTo("existing");
    assertFault(shop().put("target", "cloud"), "/target", "must be one of local, existing");
  }

  @Test
  void componentsNumberOneToThirtyTwo() {
    assertFault(shop().put("components", new JsonArray()), "/components", "must not be empty");
    JsonArray many = new JsonArray();
    for (int i = 0; i < 33; i++) {
      many.add(new JsonObject().put("name", "c" + i).put("type", "webapp").put("version", "1.0").put("size", 1));
    }
    assertFault(shop().put("components", many), "/components", "between 1 and 32");
  }

  @Test
  void sizeIsAWholeNumberFromZeroToOneHundred() {
    assertFault(shopWith(cs -> comp(cs, 1).put("size", 101)), "/components/1/size", "must be between 0 and 100");
    assertFault(shopWith(cs -> comp(cs, 1).put("size", -1)), "/components/1/size", "must be between 0 and 100");
    assertFault(shopWith(cs -> comp(cs, 1).put("size", 1.5)), "/components/1/size", "must be a whole number");
    assertThat(validator.validate(shopWith(cs -> comp(cs, 1).put("size", 0))).component("app").orElseThrow().size())
        .isZero();
  }

  @Test
  void dependsOnIsANameOrAListOfNames() {
    assertFault(shopWith(cs -> comp(cs, 1).put("depends_on", 5)), "/components/1/depends_on",
        "must be a string or an array");
    assertFault(shopWith(cs -> comp(cs, 2).put("depends_on", new JsonArray().add("app").add(3))),
        "/components/2/depends_on/1", "must be a string");
    assertThat(validator.validate(shopWith(cs -> comp(cs, 2).put("depends_on", new JsonArray().add("app").add("app"))))
        .component("lb").orElseThrow().dependsOn()).containsExactly("app");
  }

  @Test
  void settingsAreAnObjectOfScalars() {
    assertFault(shopWith(cs -> comp(cs, 1).put("settings", new JsonObject().put("a", new JsonObject()))),
        "/components/1/settings/a", "must be a string, a number or true or false");
    assertFault(shopWith(cs -> comp(cs, 1).put("settings", new JsonObject().put("b c", 1))),
        "/components/1/settings/b c", "must be a setting name");
    assertFault(shopWith(cs -> comp(cs, 1).put("settings", "x")), "/components/1/settings", "must be an object");
  }

  @Test
  void importsNeedAComponentAndVars() {
    assertFault(shopWith(cs -> comp(cs, 1).getJsonArray("imports").getJsonObject(0).put("vars", new JsonArray())),
        "/components/1/imports/0/vars", "must not be empty");
    assertFault(shopWith(cs -> comp(cs, 1).getJsonArray("imports").getJsonObject(0).put("optional", "no")),
        "/components/1/imports/0/optional", "must be true or false");
    assertFault(shopWith(cs -> comp(cs, 1).getJsonArray("imports").getJsonObject(0).remove("component")),
        "/components/1/imports/0/component", "is required");
  }

  @Test
  void everySchemaErrorIsReportedOnceWithoutTheEnclosingOnes() {
    JsonObject doc = shopWith(cs -> {
      comp(cs, 0).put("size", 500).put("bogus", 1);
      comp(cs, 2).put("name", "LB");
    }).put("target", "cloud");

    assertThat(faults(doc)).extracting(InvalidParam::name)
        .containsExactlyInAnyOrder("/target", "/components/0/size", "/components/0/bogus", "/components/2/name");
  }

  @Test
  void faultsAreBoundedToTwenty() {
    JsonArray many = new JsonArray();
    for (int i = 0; i < 30; i++) {
      many.add(new JsonObject().put("name", "c" + i).put("type", "webapp").put("version", "1.0").put("size", 200));
    }
    ProblemException e = catchThrowableOfType(ProblemException.class,
        () -> validator.validate(shop().put("components", many)));
    Problem problem = e.problem();
    assertThat(problem.invalidParams()).hasSize(TopologyValidator.MAX_FAULTS);
    assertThat(problem.invalidParams().get(19).name()).isEqualTo("/components/19/size");
    assertThat(problem.detail()).contains("30 errors");
  }

  @Test
  void anUnknownRecipeNamesTheKnownOnes() {
    assertFault(shopWith(cs -> comp(cs, 1).put("version", "9.9")), "/components/1/type",
        "no recipe webapp/9.9; known: haproxy/1.0, postgresql/1.0, webapp/1.0");
    assertFault(shopWith(cs -> comp(cs, 0).put("type", "mysql")), "/components/0/type", "no recipe mysql/1.0");
  }

  @Test
  void componentNamesAreUnique() {
    assertFault(shopWith(cs -> comp(cs, 2).put("name", "app").remove("depends_on")), "/components/2/name",
        "duplicates the name of /components/1");
  }

  @Test
  void dependsOnMustNameAComponent() {
    assertFault(shopWith(cs -> comp(cs, 1).put("depends_on", "dbx")), "/components/1/depends_on",
        "names no component: dbx (components: db, app, lb)");
    assertFault(shopWith(cs -> comp(cs, 2).put("depends_on", new JsonArray().add("app").add("cache"))),
        "/components/2/depends_on/1", "names no component: cache");
  }

  @Test
  void aComponentCannotDependOnItself() {
    assertFault(shopWith(cs -> comp(cs, 0).put("depends_on", "db")), "/components/0/depends_on",
        "cannot depend on itself");
  }

  @Test
  void aCycleOfTwoIsNamed() {
    assertFault(shopWith(cs -> comp(cs, 0).put("depends_on", new JsonArray().add("app"))),
        "/components/1/depends_on", "depends_on has a cycle: db → app → db");
  }

  @Test
  void aCycleOfThreeIsNamed() {
    assertFault(shopWith(cs -> comp(cs, 0).put("depends_on", "lb")), "/components/1/depends_on",
        "depends_on has a cycle: db → lb → app → db");
  }

  @Test
  void importsMustNameAComponentAndItsExports() {
    assertFault(shopWith(cs -> comp(cs, 1).getJsonArray("imports").getJsonObject(0).put("component", "cache")),
        "/components/1/imports/0/component", "names no component: cache");
    assertFault(shopWith(cs -> comp(cs, 1).getJsonArray("imports").getJsonObject(0)
            .put("vars", new JsonArray().add("ip").add("password"))),
        "/components/1/imports/0/vars/1", "password is not exported by db (postgresql/1.0 exports: ip, port, database)");
  }

  @Test
  void aComponentIsImportedOnceByEachImporter() {
    assertFault(shopWith(cs -> comp(cs, 1).getJsonArray("imports")
            .add(new JsonObject().put("component", "db").put("vars", new JsonArray().add("ip")))),
        "/components/1/imports/1/component", "db is already imported by /components/1/imports/0");
  }

  @Test
  void requiredImportsMustNotWaitOnThemselves() {
    JsonObject peers = new JsonObject().put("component", "app").put("vars", new JsonArray().add("ip"));
    assertFault(shopWith(cs -> comp(cs, 1).getJsonArray("imports").add(peers.copy())),
        "/components/1/imports/1/component", "waits on itself through depends_on and required imports: app → app");
    assertFault(shopWith(cs -> comp(cs, 0).put("imports", new JsonArray().add(peers.copy()))),
        "/components/0/imports/0/component", "db → app → db (make one of those imports optional)");
    assertThat(validator.validate(shopWith(cs -> comp(cs, 1).getJsonArray("imports")
        .add(peers.copy().put("optional", true)))).component("app").orElseThrow().imports()).hasSize(2);
  }

  @Test
  void submoduleRolesAndNamesAreUnambiguous() {
    JsonObject worker = new JsonObject().put("role", "worker").put("name", "jobs").put("size", 1);
    assertFault(shopWith(cs -> comp(cs, 1).put("submodules", new JsonArray().add(worker.copy().put("role", "default")))),
        "/components/1/submodules/0/role", "\"default\" is the role of the component's own nodes");
    assertFault(shopWith(cs -> comp(cs, 1).put("submodules", new JsonArray().add(worker.copy())
            .add(worker.copy().put("name", "other")))),
        "/components/1/submodules/1/role", "duplicates the role of /components/1/submodules/0/role");
    assertFault(shopWith(cs -> comp(cs, 1).put("submodules", new JsonArray().add(worker.copy().put("name", "app")))),
        "/components/1/submodules/0/name", "duplicates the name of /components/1/name");
  }

  @Test
  void semanticFaultsAreAllReported() {
    JsonObject doc = shopWith(cs -> {
      comp(cs, 0).put("version", "2.0");
      comp(cs, 2).put("depends_on", "nope");
    });
    assertThat(faults(doc)).extracting(InvalidParam::name)
        .containsExactly("/components/0/type", "/components/2/depends_on");
  }

  @Test
  void theSchemaIsDraft202012() {
    assertThat(TopologyValidator.schema().getString("$schema")).isEqualTo("https://json-schema.org/draft/2020-12/schema");
  }
}

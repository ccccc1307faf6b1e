package io.rainhub.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecipesTest {

  @TempDir
  Path dir;

  private static JsonObject webapp() {
    return new JsonObject().put("type", "webapp").put("version", "1.0")
        .put("exports", new JsonObject().put("ip", "127.0.0.1").putNull("port"))
        .put("settings", new JsonObject().put("greeting", "hi"))
        .put("stages", new JsonObject()
            .put("default", new JsonObject().put("timeoutMs", 30000).put("backoffMs", 500))
            .put("install", new JsonObject().put("timeoutMs", 120000).put("retries", 2)));
  }

  @Test
  void loadsRecipeJsonAndTheStageScriptsPresent() {
    RecipeFixture.recipe(dir, webapp());
    RecipeFixture.script(dir, "webapp/1.0/install.sh", "echo install\n");
    RecipeFixture.script(dir, "webapp/1.0/start.sh", "echo start\n");
    RecipeFixture.script(dir, "webapp/1.0/helper.sh", "not a stage\n");
    RecipeFixture.script(dir, "webapp/1.0/README.md", "notes\n");

    Recipes recipes = Recipes.load(dir);

    assertThat(recipes.warning()).isEmpty();
    Recipe recipe = recipes.find("webapp", "1.0").orElseThrow();
    assertThat(recipe.files()).containsOnlyKeys("recipe.json", "install.sh", "start.sh");
    assertThat(recipe.files().get("start.sh")).isEqualTo("echo start\n");
    assertThat(recipe.hasScript("install")).isTrue();
    assertThat(recipe.hasScript("stop")).isFalse();
    assertThat(recipe.exportDefaults()).isEqualTo(new JsonObject().put("ip", "127.0.0.1").putNull("port"));
    assertThat(recipe.settingDefaults()).isEqualTo(new JsonObject().put("greeting", "hi"));
    assertThat(recipe.digest()).matches("[0-9a-f]{64}").isEqualTo(Recipe.digestOf(recipe.files()));
    assertThat(recipes.find("webapp", "2.0")).isEmpty();
  }

  @Test
  void aStagePolicyFallsBackToDefaultThenToTheBuiltIn() {
    RecipeFixture.recipe(dir, webapp());
    RecipeFixture.recipe(dir, new JsonObject().put("type", "plain").put("version", "1"));

    Recipes recipes = Recipes.load(dir);

    Recipe webapp = recipes.find("webapp", "1.0").orElseThrow();
    assertThat(webapp.policy("install")).isEqualTo(new StagePolicy(120000, 2, 500));
    assertThat(webapp.policy("configure")).isEqualTo(new StagePolicy(30000, 0, 500));
    assertThat(recipes.find("plain", "1").orElseThrow().policy("install"))
        .isEqualTo(new StagePolicy(60000, 0, 1000));
  }

  @Test
  void allIsSortedAndDescribeNamesEachRecipe() {
    Recipes recipes = RecipeFixture.load(dir);

    assertThat(recipes.all()).extracting(Recipe::key).containsExactly("haproxy/1.0", "postgresql/1.0", "webapp/1.0");
    assertThat(recipes.describe()).isEqualTo("haproxy/1.0, postgresql/1.0, webapp/1.0");
  }

  @Test
  void aMissingDirectoryGivesNoRecipesAndSaysSo() {
    Recipes recipes = Recipes.load(dir.resolve("absent"));

    assertThat(recipes.all()).isEmpty();
    assertThat(recipes.describe()).isEqualTo("none");
    assertThat(recipes.warning()).hasValueSatisfying(w -> assertThat(w).contains("absent").contains("does not exist"));
  }

  @Test
  void invalidJsonIsRefusedNamingTheFile() {
    RecipeFixture.script(dir, "webapp/1.0/recipe.json", "{\"type\": \"webapp\",");

    assertThatThrownBy(() -> Recipes.load(dir)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(dir.resolve("webapp/1.0/recipe.json").toString())
        .hasMessageContaining("not a JSON object");
  }

  @Test
  void aVersionDirectoryWithoutRecipeJsonIsRefused() {
    RecipeFixture.script(dir, "webapp/1.0/install.sh", "echo\n");

    assertThatThrownBy(() -> Recipes.load(dir)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(dir.resolve("webapp/1.0/recipe.json").toString()).hasMessageContaining("missing");
  }

  @Test
  void aTypeOtherThanItsDirectoryIsRefused() {
    RecipeFixture.write(dir.resolve("webapp/1.0/recipe.json"), webapp().put("type", "web").encode());

    assertThatThrownBy(() -> Recipes.load(dir)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("webapp/1.0/recipe.json")
        .hasMessageContaining("field type is \"web\" but its directory says \"webapp\"");
  }

  @Test
  void aVersionOtherThanItsDirectoryIsRefused() {
    RecipeFixture.write(dir.resolve("webapp/1.0/recipe.json"), webapp().put("version", "1.1").encode());

    assertThatThrownBy(() -> Recipes.load(dir)).hasMessageContaining("field version is \"1.1\"");
  }

  @Test
  void badFieldsAreRefusedNamingTheField() {
    List<JsonObject> bad = List.of(
        webapp().put("exports", "ip"),
        webapp().put("settings", new JsonObject().put("nested", new JsonObject())),
        webapp().put("stages", new JsonObject().put("install", new JsonObject().put("timeoutMs", 0))),
        webapp().put("stages", new JsonObject().put("install", new JsonObject().put("retries", -1))),
        webapp().put("stages", new JsonObject().put("instal", new JsonObject())),
        webapp().put("stages", new JsonObject().put("start", new JsonObject().put("timeout", 5))),
        webapp().put("colour", "blue"));
    List<String> fields = List.of("field exports", "field settings.nested", "field stages.install.timeoutMs",
        "field stages.install.retries", "field stages.instal", "field stages.start.timeout", "field colour");
    for (int i = 0; i < bad.size(); i++) {
      Path here = dir.resolve("case" + i);
      RecipeFixture.recipe(here, bad.get(i));
      assertThatThrownBy(() -> Recipes.load(here)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("webapp/1.0/recipe.json").hasMessageContaining(fields.get(i));
    }
  }

  @Test
  void theDigestChangesWhenAScriptChangesOrAppears() {
    RecipeFixture.recipe(dir, webapp());
    RecipeFixture.script(dir, "webapp/1.0/install.sh", "echo one\n");
    String first = Recipes.load(dir).find("webapp", "1.0").orElseThrow().digest();
    assertThat(Recipes.load(dir).find("webapp", "1.0").orElseThrow().digest()).isEqualTo(first);

    RecipeFixture.script(dir, "webapp/1.0/install.sh", "echo two\n");
    String second = Recipes.load(dir).find("webapp", "1.0").orElseThrow().digest();
    RecipeFixture.script(dir, "webapp/1.0/stop.sh", "echo stop\n");
    String third = Recipes.load(dir).find("webapp", "1.0").orElseThrow().digest();

    assertThat(second).isNotEqualTo(first);
    assertThat(third).isNotEqualTo(second).isNotEqualTo(first);
  }

  @Test
  void theDigestSeparatesNamesFromContents() {
    assertThat(Recipe.digestOf(java.util.Map.of("a", "bc"))).isNotEqualTo(Recipe.digestOf(java.util.Map.of("ab", "c")));
  }
}

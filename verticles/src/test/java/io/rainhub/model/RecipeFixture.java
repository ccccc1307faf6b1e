package io.rainhub.model;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A small recipes directory written by the test: postgresql, webapp and haproxy, each 1.0. */
final class RecipeFixture {

  private RecipeFixture() {
  }

  static Path write(Path dir) {
    recipe(dir, new JsonObject().put("type", "postgresql").put("version", "1.0")
        .put("exports", new JsonObject().put("ip", "127.0.0.1").put("port", 5432).put("database", "shop"))
        .put("settings", new JsonObject().put("max_connections", 20)));
    recipe(dir, new JsonObject().put("type", "webapp").put("version", "1.0").put("description", "the demo app")
        .put("exports", new JsonObject().put("ip", "127.0.0.1").putNull("port"))
        .put("settings", new JsonObject().put("greeting", "hi").put("threads", 4)));
    recipe(dir, new JsonObject().put("type", "haproxy").put("version", "1.0")
        .put("exports", new JsonObject().put("ip", "127.0.0.1").put("port", 8080)));
    script(dir, "webapp/1.0/install.sh", "#!/bin/bash\necho install\n");
    return dir;
  }

  static Recipes load(Path dir) {
    return Recipes.load(write(dir));
  }

  static void recipe(Path dir, JsonObject recipe) {
    write(dir.resolve(recipe.getString("type")).resolve(recipe.getString("version")).resolve("recipe.json"),
        recipe.encodePrettily());
  }

  static void script(Path dir, String relative, String text) {
    write(dir.resolve(relative), text);
  }

  static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package io.rainhub.hub.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;

/**
 * {@code rainhub map}: {@code GET /v1.0/map} as a text tree: rain servers, the motherships wired
 * to each, the instances each mothership hosts (primary) or holds a replica of; then motherships
 * no rain server is wired to, and instances on no mothership.
 */
@Command(name = "map", mixinStandardHelpOptions = true,
    description = "Show the infrastructure map as a tree: rain servers -> wired motherships -> instances.")
final class MapCommand extends ApiCommand {

  private record Tree(String label, List<Tree> children) {
    Tree(String label) {
      this(label, new ArrayList<>());
    }
  }

  @Override
  void run(HubApi api) {
    JsonObject map = api.get("/v1.0/map");
    if (json()) {
      printJson(map);
      return;
    }
    Map<String, JsonObject> nodes = new LinkedHashMap<>();
    for (JsonObject node : HubApi.objects(map.getJsonArray("nodes", new JsonArray()))) {
      nodes.put(node.getString("id"), node);
    }
    Map<String, List<String>> wired = new LinkedHashMap<>();
    Map<String, List<String[]>> hosted = new LinkedHashMap<>();
    Set<String> wiredMotherships = new LinkedHashSet<>();
    Set<String> placedInstances = new LinkedHashSet<>();
    for (JsonObject edge : HubApi.objects(map.getJsonArray("edges", new JsonArray()))) {
      String from = edge.getString("from");
      String to = edge.getString("to");
      switch (edge.getString("kind", "")) {
        case "wired" -> {
          wired.computeIfAbsent(from, k -> new ArrayList<>()).add(to);
          wiredMotherships.add(to);
        }
        case "hosts", "replica" -> {
          hosted.computeIfAbsent(from, k -> new ArrayList<>())
              .add(new String[] {to, "hosts".equals(edge.getString("kind")) ? "primary" : "replica"});
          placedInstances.add(to);
        }
        default -> { }
      }
    }
    List<Tree> sections = new ArrayList<>();
    Tree servers = new Tree("rain servers");
    Tree unwired = new Tree("motherships wired to no rain server");
    Tree unplaced = new Tree("instances on no mothership");
    for (JsonObject node : nodes.values()) {
      String id = node.getString("id");
      switch (node.getString("kind", "")) {
        case "rainserver" -> {
          Tree server = new Tree(label(node));
          for (String mothership : wired.getOrDefault(id, List.of())) {
            server.children().add(mothership(nodes, hosted, mothership));
          }
          servers.children().add(server);
        }
        case "mothership" -> {
          if (!wiredMotherships.contains(id)) {
            unwired.children().add(mothership(nodes, hosted, id));
          }
        }
        case "instance" -> {
          if (!placedInstances.contains(id)) {
            unplaced.children().add(new Tree(instanceLabel(node, null)));
          }
        }
        default -> { }
      }
    }
    for (Tree section : List.of(servers, unwired, unplaced)) {
      if (!section.children().isEmpty()) {
        sections.add(section);
      }
    }
    PrintWriter out = out();
    if (sections.isEmpty()) {
      out.println("(empty: no rain server, mothership or instance)");
    }
    for (Tree section : sections) {
      out.println(section.label());
      printChildren(out, section, "");
    }
  }

  private static Tree mothership(Map<String, JsonObject> nodes, Map<String, List<String[]>> hosted, String id) {
    JsonObject node = nodes.getOrDefault(id, new JsonObject().put("id", id).put("name", id));
    Tree tree = new Tree(label(node));
    for (String[] instance : hosted.getOrDefault(id, List.of())) {
      tree.children().add(new Tree(instanceLabel(nodes.getOrDefault(instance[0],
          new JsonObject().put("id", instance[0])), instance[1])));
    }
    return tree;
  }

  /** {@code rs1 (rainserver, AVAILABLE, 10.0.1.1:80, /shop/*)}. */
  private static String label(JsonObject node) {
    List<String> facts = new ArrayList<>();
    facts.add(node.getString("kind", "?"));
    facts.add(Formats.state(node));
    if (node.getString("address") != null) {
      facts.add(node.getString("address"));
    }
    JsonArray urls = node.getJsonArray("urls");
    if (urls != null && !urls.isEmpty()) {
      facts.add(String.join(",", urls.stream().map(String::valueOf).toList()));
    }
    return node.getString("name", node.getString("id")) + " (" + String.join(", ", facts) + ")";
  }

  /** {@code cart@1.0 <instance id> PLACED primary}. */
  private static String instanceLabel(JsonObject node, String role) {
    return node.getString("name", "?") + " " + node.getString("id") + " " + node.getString("state", "")
        + (role == null ? "" : " " + role);
  }

  private static void printChildren(PrintWriter out, Tree tree, String indent) {
    List<Tree> children = tree.children();
    for (int i = 0; i < children.size(); i++) {
      boolean last = i == children.size() - 1;
      out.println(indent + (last ? "└── " : "├── ") + children.get(i).label());
      printChildren(out, children.get(i), indent + (last ? "    " : "│   "));
    }
  }
}

package io.rainhub.workflow;

import io.rainhub.model.ComponentSpec;
import io.rainhub.model.ImportSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Roboconf-style imports resolved at run time: an exporter is a running node of the imported
 * component; what a script sees of them is {@code RAIN_IMPORT_<COMPONENT>_COUNT} and
 * {@code RAIN_IMPORT_<COMPONENT>_<N>_<VAR>}, N from 0 in the order of the nodes' names.
 */
final class Imports {

  private Imports() {
  }

  static List<TopologyNode> exporters(String component, Collection<TopologyNode> nodes) {
    return nodes.stream().filter(node -> node.component.equals(component) && node.state == TopologyNode.State.RUNNING)
        .sorted(Comparator.comparing(node -> node.name)).toList();
  }

  /** The required imports of {@code node} that have no running exporter now. */
  static List<String> missing(TopologyRecord topology, TopologyNode node, Collection<TopologyNode> nodes) {
    ComponentSpec component = topology.component(node.component);
    List<String> missing = new ArrayList<>();
    if (component == null) {
      return missing;
    }
    for (ImportSpec imported : component.imports()) {
      if (!imported.optional() && exporters(imported.component(), nodes).isEmpty()) {
        missing.add(imported.component());
      }
    }
    return missing;
  }

  /** The components that import {@code component}. */
  static List<String> importersOf(TopologyRecord topology, String component) {
    return topology.spec.components().stream()
        .filter(c -> c.imports().stream().anyMatch(i -> i.component().equals(component)))
        .map(ComponentSpec::name).toList();
  }

  /** A digest of what {@code importer}'s nodes see: when it changes, they are reconfigured. */
  static String view(TopologyRecord topology, String importer, Collection<TopologyNode> nodes) {
    ComponentSpec component = topology.component(importer);
    StringBuilder view = new StringBuilder();
    for (ImportSpec imported : component.imports()) {
      view.append(imported.component()).append('[');
      for (TopologyNode exporter : exporters(imported.component(), nodes)) {
        view.append(exporter.name).append(exporter.exports.encode()).append(';');
      }
      view.append(']');
    }
    return view.toString();
  }

  /** The environment of a script on {@code node}: its settings and its resolved imports. */
  static Map<String, String> env(TopologyRecord topology, TopologyNode node, Collection<TopologyNode> nodes) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("RAIN_NODE_NAME", node.name);
    env.put("RAIN_TOPOLOGY", topology.spec.name());
    env.put("RAIN_COMPONENT", node.component);
    env.put("RAIN_ROLE", node.role);
    node.settings.forEach(entry -> {
      if (entry.getValue() != null) {
        env.put("RAIN_SETTING_" + variable(entry.getKey()), entry.getValue().toString());
      }
    });
    ComponentSpec component = topology.component(node.component);
    if (component == null) {
      return env;
    }
    for (ImportSpec imported : component.imports()) {
      String prefix = "RAIN_IMPORT_" + variable(imported.component()) + "_";
      List<TopologyNode> exporters = exporters(imported.component(), nodes);
      env.put(prefix + "COUNT", Integer.toString(exporters.size()));
      for (int n = 0; n < exporters.size(); n++) {
        TopologyNode exporter = exporters.get(n);
        env.put(prefix + n + "_NAME", exporter.name);
        for (String var : imported.vars()) {
          Object value = exporter.exports.getValue(var);
          if (value != null) {
            env.put(prefix + n + "_" + variable(var), value.toString());
          }
        }
      }
    }
    return env;
  }

  static String variable(String name) {
    return name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }
}

package io.rainhub.hub;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Hazelcast cluster manager of a clustered hub: Vert.x's default maps and locks, joined by
 * TCP/IP to the listed members (multicast is off: it rarely crosses real networks).
 */
final class ClusterSetup {

  static final String CLUSTER_NAME = "rainhub";
  private static final Logger LOG = LoggerFactory.getLogger(ClusterSetup.class);

  private ClusterSetup() {
  }

  static HazelcastClusterManager clusterManager(HubSettings settings) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(CLUSTER_NAME);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    // A hung or dead hub leaves the cluster after 5 s (Hazelcast's default is 60 s): until then its
    // event-bus registrations stay and requests routed to it wait for a timeout.
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
    config.getNetworkConfig().setPort(settings.clusterPort()).setPortAutoIncrement(true)
        .setPublicAddress(null);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface(settings.clusterHost());
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(settings.clusterMembers());
    return new HazelcastClusterManager(config);
  }

  /** Logs the member count now and whenever a hub joins or leaves. */
  static int watchMembers(HazelcastClusterManager manager) {
    var cluster = manager.getHazelcastInstance().getCluster();
    cluster.addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        LOG.info("Hub joined the cluster: {}; {} member(s) now", event.getMember().getAddress(),
            event.getMembers().size());
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        LOG.info("Hub left the cluster: {}; {} member(s) now", event.getMember().getAddress(),
            event.getMembers().size());
      }
    });
    return cluster.getMembers().size();
  }
}

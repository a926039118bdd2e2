package dsys.platform.node;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the launcher (or compose) tells an instance about itself: {@code dsys.node}, {@code dsys.members},
 * optional static peer addresses {@code dsys.peers.<node>}, the admin token, the cluster secret its messages to
 * peers are signed with, and the data folder.
 */
@ConfigurationProperties(prefix = "dsys")
public class DsysProperties {

    private String node;
    private List<String> members = List.of();
    /** Nodes of other services this one exchanges messages with (besides its group), e.g. txn-1 for a kv node. */
    private List<String> links = List.of();
    private Map<String, String> peers = new LinkedHashMap<>();
    private String adminToken;
    private String clusterSecret;
    private String dataDir = "./data";
    private final Kafka kafka = new Kafka();

    public static class Kafka {
        private boolean enabled = true;
        private String topic = "dsys.events";

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public String getTopic() { return topic; }
        public void setTopic(String topic) { this.topic = topic; }
    }

    public String getNode() { return node; }
    public void setNode(String node) { this.node = node; }
    public List<String> getMembers() { return members; }
    public List<String> getLinks() { return links; }
    public void setLinks(List<String> links) { this.links = links; }
    public void setMembers(List<String> members) { this.members = members; }
    public Map<String, String> getPeers() { return peers; }
    public void setPeers(Map<String, String> peers) { this.peers = peers; }
    public String getAdminToken() { return adminToken; }
    public void setAdminToken(String adminToken) { this.adminToken = adminToken; }
    public String getClusterSecret() { return clusterSecret; }
    public void setClusterSecret(String clusterSecret) { this.clusterSecret = clusterSecret; }
    public String getDataDir() { return dataDir; }
    public void setDataDir(String dataDir) { this.dataDir = dataDir; }
    public Kafka getKafka() { return kafka; }
}

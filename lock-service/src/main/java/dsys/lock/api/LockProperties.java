package dsys.lock.api;

import dsys.lock.node.LockConfig;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code dsys.lock.*}: overrides of {@link LockConfig#live()} (milliseconds). */
@ConfigurationProperties(prefix = "dsys.lock")
public class LockProperties {

    private final LockConfig d = LockConfig.live();
    private String algorithm = d.defaultAlgorithm();
    private long heartbeatMs = d.heartbeatMs();
    private long suspectMs = d.suspectMs();
    private long freshMs = d.freshMs();
    private long maxLeaseMs = d.maxLeaseMs();
    private long maxWaitMs = d.maxWaitMs();
    private double rho = d.rho();
    private long retryMs = d.retryMs();
    private long tokenLossMs = d.tokenLossMs();
    private boolean membershipChanges = d.membershipChanges();

    public LockConfig toConfig() {
        return new LockConfig(algorithm, heartbeatMs, suspectMs, freshMs, maxLeaseMs, maxWaitMs, rho, retryMs,
                d.collectMs(), d.proposeTimeoutMs(), d.stableMs(), d.limboMs(), d.tokenSeenMs(), tokenLossMs,
                membershipChanges);
    }

    public String getAlgorithm() { return algorithm; }
    public void setAlgorithm(String algorithm) { this.algorithm = algorithm; }
    public long getHeartbeatMs() { return heartbeatMs; }
    public void setHeartbeatMs(long v) { this.heartbeatMs = v; }
    public long getSuspectMs() { return suspectMs; }
    public void setSuspectMs(long v) { this.suspectMs = v; }
    public long getFreshMs() { return freshMs; }
    public void setFreshMs(long v) { this.freshMs = v; }
    public long getMaxLeaseMs() { return maxLeaseMs; }
    public void setMaxLeaseMs(long v) { this.maxLeaseMs = v; }
    public long getMaxWaitMs() { return maxWaitMs; }
    public void setMaxWaitMs(long v) { this.maxWaitMs = v; }
    public double getRho() { return rho; }
    public void setRho(double v) { this.rho = v; }
    public long getRetryMs() { return retryMs; }
    public void setRetryMs(long v) { this.retryMs = v; }
    public long getTokenLossMs() { return tokenLossMs; }
    public void setTokenLossMs(long v) { this.tokenLossMs = v; }
    public boolean isMembershipChanges() { return membershipChanges; }
    public void setMembershipChanges(boolean v) { this.membershipChanges = v; }
}

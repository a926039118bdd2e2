package dsys.time.sync;

/**
 * Run one synchronization round. {@code mode} is NTP's (client-server, symmetric, multicast; null = client-server);
 * {@code samples} is how many round trips Cristian's clients or NTP's clients take per server (null = default).
 */
public record SyncCommand(Algorithm algorithm, String mode, Integer samples) {

    public static SyncCommand of(Algorithm a) {
        return new SyncCommand(a, null, null);
    }
}

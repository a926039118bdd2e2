package dsys.time.ntp;

import java.util.List;

/** NTP association modes (RFC 5905 §3) and the three synchronization modes of the notes (§4.5). */
public final class NtpMode {

    public static final int SYMMETRIC_ACTIVE = 1;
    public static final int SYMMETRIC_PASSIVE = 2;
    public static final int CLIENT = 3;
    public static final int SERVER = 4;
    public static final int BROADCAST = 5;

    /** Procedure-call mode: a client asks, a server answers (like Cristian's algorithm). */
    public static final String CLIENT_SERVER = "client-server";
    /** Two peers exchange timestamps in both directions; each may sync to the other. */
    public static final String SYMMETRIC = "symmetric";
    /** A server sends its time to everybody; clients add an estimated delay. */
    public static final String MULTICAST = "multicast";

    public static final List<String> SYNC_MODES = List.of(CLIENT_SERVER, SYMMETRIC, MULTICAST);

    /** Unsynchronized (RFC 5905: stratum 16). */
    public static final int UNSYNCHRONIZED = 16;

    private NtpMode() {
    }

    public static String name(int mode) {
        return switch (mode) {
            case SYMMETRIC_ACTIVE -> "SymmetricActive";
            case SYMMETRIC_PASSIVE -> "SymmetricPassive";
            case CLIENT -> "Client";
            case SERVER -> "Server";
            case BROADCAST -> "Broadcast";
            default -> "Mode" + mode;
        };
    }
}

package dsys.core.rpc;

/**
 * What happens to the computations a crashed client left running at the servers, its orphans (the notes' §2.3.5).
 */
public enum OrphanRemedy {
    /** Orphans run on and apply their effects: wasted work, and a duplicate when the rebooted client redoes it. */
    NONE,
    /**
     * Extermination (灭绝法): the client logs each call durably before sending it; after a reboot it sends a kill
     * for every call still in its log. The server also remembers the killed id, so a copy of the request still in
     * the network cannot start the orphan afterwards.
     */
    EXTERMINATION,
    /**
     * Reincarnation (重生法): the client keeps a durable epoch and stamps it on every call; after a reboot it starts a
     * new epoch and broadcasts it. A server kills every computation of that client from an older epoch, and refuses
     * requests from one.
     */
    REINCARNATION,
    /**
     * Gentle reincarnation (温和重生法): on a new-epoch broadcast a server tries to locate the owner of each remote
     * computation it runs (asks the owner whether it still waits for the result) and kills only those nobody
     * claims within the locate timeout; a computation whose owner answers for it runs on.
     */
    GENTLE_REINCARNATION,
    /**
     * Expiration (超时法): a computation gets a quantum T; the client must ask for another quantum (renew) while it
     * waits, or the server kills the computation when T runs out. A rebooted client waits T (plus the network's
     * delay bound) before it calls again, so by then all its orphans are gone.
     */
    EXPIRATION;

    /** Its name in APIs and core groups: lower case, words joined by '-' ({@code gentle-reincarnation}). */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /**
     * The core group a live platform runs this remedy's client and servers in ({@code rpc-extermination}, ...): one
     * group per remedy, since the remedy is a property of the client and its servers together.
     */
    public String group() {
        return "rpc-" + label();
    }

    /** The remedy a {@link #label()} names (case and '_' or '-' do not matter); null for none of them. */
    public static OrphanRemedy parse(String label) {
        if (label == null) return null;
        String n = label.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
        for (OrphanRemedy r : values()) if (r.name().equals(n)) return r;
        return null;
    }
}

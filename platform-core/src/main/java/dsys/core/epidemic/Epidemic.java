package dsys.core.epidemic;

import dsys.core.clock.LamportStamp;
import dsys.core.env.Env;
import dsys.core.message.Message;
import dsys.core.node.NodeId;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One node's epidemic: its replica, rumor mongering, anti-entropy and death certificates, wired together. A core
 * owns one and hands it its messages and timers ({@link #onMessage}, {@link #onTimer} say whether they were the
 * epidemic's); local writes go through {@link #write}. Every update this node newly holds, written here or learned,
 * reaches {@code onNew} and becomes a hot rumor; a woken dormant certificate becomes one too.
 */
public final class Epidemic {

    private final Env env;
    private final Peers peers;
    private final EpidemicReplica replica;
    private final RumorMongering rumors;
    private final AntiEntropy antiEntropy;
    private final DeathCertificates certificates;
    private final Consumer<Update> onNew;
    private long revivals;

    /**
     * @param replicas      the nodes holding a replica (self among them); peers are chosen among the others
     * @param storagePrefix where this replica lives in the node's storage (e.g. {@code "epi/"})
     * @param onNew         told of each update this node newly holds, in its serial section
     */
    public Epidemic(Env env, EpidemicSettings settings, List<NodeId> replicas, String storagePrefix,
                    Consumer<Update> onNew) {
        if (!replicas.contains(env.self())) throw new IllegalArgumentException(env.self() + " is not among " + replicas);
        this.env = env;
        this.peers = new Peers(env.self(), replicas);
        this.replica = new EpidemicReplica(env.storage(), storagePrefix);
        this.rumors = new RumorMongering(env, settings, peers);
        this.certificates = new DeathCertificates(env, settings, peers.all(), replica);
        this.antiEntropy = new AntiEntropy(env, settings, peers, replica, this::receive, this::woke);
        this.onNew = onNew;
    }

    /** Loads the replica from storage and starts the rounds; call from the core's onStart and onRecover. */
    public void start() {
        replica.load(env.nanoTime());
        certificates.learned();
        antiEntropy.start();
    }

    /**
     * A local write (a null value deletes: a death certificate), stored before this returns. Its version is a fresh
     * Lamport stamp above what the replica holds for the key, dormant certificate included, so it wins here.
     */
    public Update write(String key, String value) {
        env.logical().tick();
        long time = env.logical().lamport();
        Update held = replica.get(key);
        Update dormant = replica.dormant(key);
        if (held != null) time = Math.max(time, held.version().time() + 1);
        if (dormant != null) time = Math.max(time, dormant.version().time() + 1);
        Update u = new Update(key, new LamportStamp(time, env.self().value()), value);
        receive(u);
        env.emit(value == null ? "epidemic.delete" : "epidemic.write", Map.of("key", key, "version", time));
        return u;
    }

    /** The value or active death certificate this replica holds for {@code key}, or null. */
    public Update read(String key) {
        return replica.get(key);
    }

    public EpidemicReplica replica() {
        return replica;
    }

    public RumorMongering rumors() {
        return rumors;
    }

    public boolean keepsDormant(String key) {
        return certificates.keeps(key);
    }

    /** Handles the epidemic's messages (from replicas only); false for any other message. */
    public boolean onMessage(NodeId from, Message m) {
        if (!(m instanceof EpidemicMessages.Rumor) && !(m instanceof EpidemicMessages.RumorFeedback)
                && !(m instanceof EpidemicMessages.Digest) && !(m instanceof EpidemicMessages.DigestReply)
                && !(m instanceof EpidemicMessages.Updates)) {
            return false;
        }
        if (!peers.contains(from)) return true; // not a replica of this epidemic: ignored
        if (m instanceof EpidemicMessages.Rumor r) onRumor(from, r);
        else if (m instanceof EpidemicMessages.RumorFeedback f) {
            rumors.onFeedback(f);
            certificates.onFeedback(from, f.known());
        }
        else if (m instanceof EpidemicMessages.Digest d) antiEntropy.onDigest(from, d);
        else if (m instanceof EpidemicMessages.DigestReply r) antiEntropy.onReply(from, r);
        else antiEntropy.onUpdates((EpidemicMessages.Updates) m);
        return true;
    }

    /** Handles the epidemic's timers; false for any other timer. */
    public boolean onTimer(Object timer) {
        if (timer instanceof RumorMongering.Tick) rumors.onTick();
        else if (timer instanceof AntiEntropy.Tick) antiEntropy.onTick();
        else if (timer instanceof DeathCertificates.Sweep) certificates.onSweep();
        else return false;
        return true;
    }

    /** Counters for stats: pushes, lost interest, exchanges, certificates expired and revived. */
    public Map<String, Long> counts() {
        Map<String, Long> c = new TreeMap<>();
        c.put("rumor.pushes", rumors.pushes());
        c.put("rumor.lostInterest", rumors.lostInterest());
        c.put("antiEntropy.started", antiEntropy.started());
        c.put("antiEntropy.answered", antiEntropy.rounds());
        c.put("certificates.expired", certificates.expired());
        c.put("certificates.revived", revivals);
        return c;
    }

    private void onRumor(NodeId from, EpidemicMessages.Rumor r) {
        Map<String, LamportStamp> known = new TreeMap<>();
        for (Update u : r.updates()) {
            EpidemicReplica.Outcome o = receive(u);
            if (o == EpidemicReplica.Outcome.NEW) continue;
            Update held = o == EpidemicReplica.Outcome.REVIVED ? replica.revived() : replica.get(u.key());
            if (held == null) held = replica.dormant(u.key());
            known.put(u.key(), held == null ? u.version() : held.version());
        }
        env.send(from, new EpidemicMessages.RumorFeedback(known));
    }

    private EpidemicReplica.Outcome receive(Update u) {
        EpidemicReplica.Outcome o = replica.apply(u, env.nanoTime());
        if (o == EpidemicReplica.Outcome.NEW) {
            if (u.deathCertificate()) certificates.learned();
            rumors.spread(u);
            onNew.accept(u);
        } else if (o == EpidemicReplica.Outcome.REVIVED) {
            woke(replica.revived());
        }
        return o;
    }

    private void woke(Update certificate) {
        revivals++;
        env.emit("epidemic.certificate-revived", Map.of("key", certificate.key(), "version", certificate.version().time()));
        certificates.learned();
        rumors.spread(certificate);
    }
}

package dsys.platform.transport;

import dsys.platform.node.NodeIdentity;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.stream.Collectors;

/**
 * The key every node of the platform shares ({@code dsys.cluster-secret}, env {@code DSYS_CLUSTER_SECRET}) and
 * signs its message batches with (HMAC-SHA256, see {@link BatchMac}).
 *
 * <p>A node with peers does not start without one: unsigned messages would let anyone who reaches its port speak
 * for a member, and a silent default would be the same secret on every installation. A node alone in its group
 * needs none: it gets a random key nobody else knows, which refuses every batch, as it has no peers to hear from.
 */
public final class ClusterSecret {

    static final String ALGORITHM = "HmacSHA256";
    static final int MIN_LENGTH = 16;

    private final SecretKeySpec key;
    /* Tags are made per decision record, written and read: Mac.getInstance's provider lookup per tag was most of it. */
    private final ThreadLocal<Mac> tagMacs = ThreadLocal.withInitial(this::newMac);

    private ClusterSecret(byte[] key) {
        this.key = new SecretKeySpec(key, ALGORITHM);
    }

    /** From the configured value; fails the start with what to do when it is missing or too short. */
    public static ClusterSecret of(String configured, NodeIdentity id) {
        if (configured == null || configured.isBlank()) {
            if (id.members().size() == 1 && id.links().isEmpty()) {
                byte[] random = new byte[32];
                new SecureRandom().nextBytes(random);
                return new ClusterSecret(random);
            }
            throw new IllegalStateException("dsys.cluster-secret (env DSYS_CLUSTER_SECRET) is not set: " + id.self()
                    + " exchanges messages with " + id.members().others(id.self()).stream().map(Object::toString)
                    .collect(Collectors.joining(", ")) + " and signs every batch with it. ./platform up keeps one in "
                    + ".platform/cluster-secret; docker-compose.yml reads DSYS_CLUSTER_SECRET; tests use "
                    + "dsys.testing.TestNodes. The same value on every node, at least " + MIN_LENGTH + " characters.");
        }
        if (configured.length() < MIN_LENGTH) {
            throw new IllegalStateException("dsys.cluster-secret is " + configured.length() + " characters long; it needs at least "
                    + MIN_LENGTH + " (./platform up makes a random one of 43)");
        }
        return new ClusterSecret(configured.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A tag proving that {@code text} comes from a member, for records that travel outside the message transport
     * (the decisions topic): HMAC-SHA256 in base64url. The caller puts a domain into {@code text} so that a tag
     * of one kind of record is worth nothing for another.
     */
    public String tag(String text) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(tagMacs.get().doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Whether {@code tag} is {@link #tag(String)} of {@code text} (compared in constant time). */
    public boolean verifies(String text, String tag) {
        return tag != null && java.security.MessageDigest.isEqual(tag(text).getBytes(StandardCharsets.US_ASCII),
                tag.getBytes(StandardCharsets.UTF_8));
    }

    /** A MAC keyed with the secret: one per stream, as a Mac is not thread-safe. */
    Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is part of every JDK", e);
        }
    }
}

package dsys.core.epidemic;

/**
 * How two replicas settle their differences in an anti-entropy round (notes 反熵; Demers et al.): the initiator
 * pushes what the peer lacks, pulls what it lacks itself, or both. Push-pull converges in about log2(n) + ln ln n
 * rounds; pull's last rounds are quicker than push's (a node still missing the update is the one who asks).
 */
public enum Exchange {
    PUSH, PULL, PUSH_PULL;

    boolean pushes() {
        return this != PULL;
    }

    boolean pulls() {
        return this != PUSH;
    }
}

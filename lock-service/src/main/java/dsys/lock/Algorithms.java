package dsys.lock;

import dsys.lock.centralized.CentralizedMutex;
import dsys.lock.node.LockContext;
import dsys.lock.node.MutexAlgorithm;
import dsys.lock.ricart.RicartAgrawalaMutex;
import dsys.lock.tokenring.TokenRingMutex;

/** The three algorithms of notes §6 by their API names. */
public final class Algorithms {

    private Algorithms() {
    }

    public static MutexAlgorithm create(String name, LockContext ctx) {
        return switch (name) {
            case CentralizedMutex.NAME -> new CentralizedMutex(ctx);
            case RicartAgrawalaMutex.NAME -> new RicartAgrawalaMutex(ctx);
            case TokenRingMutex.NAME -> new TokenRingMutex(ctx);
            default -> throw new IllegalArgumentException("unknown algorithm " + name);
        };
    }
}

package dsys.lock.quorum;

import dsys.core.node.NodeId;

import java.util.List;

/**
 * One epoch of the lock service: which algorithm runs, who coordinates (centralized only; null otherwise) and
 * which nodes take part (the nodes that promised it: Ricart–Agrawala asks all of them, the token ring is them in
 * id order). Numbers only grow; a majority promised this one before it was committed.
 */
public record EpochInfo(long number, String algorithm, NodeId owner, List<NodeId> members) {

    public EpochInfo {
        members = members.stream().sorted().toList();
    }

    public boolean member(NodeId n) {
        return members.contains(n);
    }
}

package dsys.kv.quorum;

/**
 * Told, inside the node's serial section, when this node learns that a version of a key is chosen: its replica
 * took a commit or a chosen state from anti-entropy, or its coordinator saw a write quorum accept. The same
 * version may be told more than once (coordinator and replica on one node); watchers keep only newer ones. An
 * implementation must not block: it hands the news to another thread.
 */
@FunctionalInterface
public interface ChosenListener {

    ChosenListener NONE = (key, content) -> { };

    void chosen(String key, Versioned content);
}

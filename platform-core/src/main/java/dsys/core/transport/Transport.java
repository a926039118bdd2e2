package dsys.core.transport;

import dsys.core.message.Envelope;

/**
 * Carries envelopes between the cores of one group on different nodes. Two implementations: HTTP between live
 * instances, and the simulator's seeded network. Delivery is best effort: messages may be lost, late or doubled.
 */
public interface Transport {
    void send(String group, Envelope envelope);
}

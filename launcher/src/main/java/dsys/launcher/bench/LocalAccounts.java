package dsys.launcher.bench;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Accounts for {@code 2pc-local}: each in a keyspace whose only replica is the kv node that acts for the account
 * in a transaction. So the participant's lock round and release round are a write to its own disk, with no
 * message to another replica: the notes' 2PC, whose participant keeps its locks and intents itself. Set beside
 * {@code 2pc} in one run, it shows what replicating the intents costs, and what the protocol costs without it.
 *
 * <p>Which node acts for a key is txn-1's rule (txn-coordinator {@code ParticipantChoice}): the CRC-32 of
 * {@code keyspace + "/" + key} modulo the number of participants indexes {@code dsys.txn.participants}; the key's
 * name gets the smallest suffix that lands it on the keyspace's node. Client c's accounts sit on nodes c and c+1
 * (modulo their number): every transfer has two participants.
 *
 * <p>{@code 2pc}'s accounts ({@link #replicated}, in keyspace {@code default}) are placed the same way, on the same
 * participants: named after the run alone, a client's two accounts shared a participant in one run of three, and a
 * one-client cell then cost one participant's messages, so runs did not compare.
 */
final class LocalAccounts {

    static final String PREFIX = "txnbench-local-";

    private final List<String> participants;

    /** {@code participants}: txn-1's {@code dsys.txn.participants}, in its order. */
    LocalAccounts(List<String> participants) {
        this.participants = List.copyOf(participants);
    }

    /** The keyspaces to create, one per participant: quorum mode, that node its only replica. */
    List<String> keyspaces() {
        return participants.stream().map(p -> PREFIX + p).toList();
    }

    String node(int index) {
        return participants.get(index);
    }

    /** Client {@code client}'s account on side "a" or "b": {keyspace, key}. */
    String[] account(String run, int client, String side) {
        return placed(PREFIX + participants.get(nodeOf(client, side)), run, client, side);
    }

    /** The same client's account of {@code 2pc}: in keyspace {@code default}, on the same participant. */
    String[] replicated(String run, int client, String side) {
        return placed(REPLICATED, run, client, side);
    }

    static final String REPLICATED = "default";

    private int nodeOf(int client, String side) {
        return (client + (side.equals("a") ? 0 : 1)) % participants.size();
    }

    private String[] placed(String keyspace, String run, int client, String side) {
        int node = nodeOf(client, side);
        String base = TxnBenchCommand.account(run, client, side);
        for (int suffix = 0; ; suffix++) {
            String key = base + "-" + suffix;
            if (participantIndex(keyspace, key, participants.size()) == node) return new String[]{keyspace, key};
        }
    }

    /** txn-1's choice of participant for a key (ParticipantChoice.of with nothing suspected). */
    static int participantIndex(String keyspace, String key, int participants) {
        CRC32 crc = new CRC32();
        crc.update((keyspace + "/" + key).getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % participants);
    }
}

package dsys.core.commit;

import java.util.List;

/**
 * A log record of one transaction, as the coordinator or a participant keeps it in {@link dsys.core.env.Env#storage()}
 * (one line: {@code STATE|protocol|coordinator|p1,p2}; ids hold neither '|' nor ','). Written before the message
 * that reveals the state leaves the node, so recovery resumes from what others may have seen.
 */
record TxnRecord(TxnState state, CommitProtocol protocol, String coordinator, List<String> participants) {

    TxnRecord with(TxnState s) {
        return new TxnRecord(s, protocol, coordinator, participants);
    }

    String encode() {
        return state + "|" + protocol.label() + "|" + coordinator + "|" + String.join(",", participants);
    }

    static TxnRecord decode(String line) {
        String[] f = line.split("\\|", -1);
        return new TxnRecord(TxnState.valueOf(f[0]), CommitProtocol.parse(f[1]), f[2],
                f[3].isEmpty() ? List.of() : List.of(f[3].split(",")));
    }
}

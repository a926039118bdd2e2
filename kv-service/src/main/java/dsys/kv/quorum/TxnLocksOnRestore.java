package dsys.kv.quorum;

import dsys.core.checkpoint.live.RestoreFilter;
import dsys.core.message.Message;
import dsys.kv.quorum.QuorumMessages.Accept;
import dsys.kv.quorum.QuorumMessages.Chosen;
import dsys.kv.quorum.QuorumMessages.Learn;
import dsys.kv.quorum.QuorumMessages.Promise;
import dsys.kv.quorum.QuorumMessages.ReadReply;

import java.util.ArrayList;
import java.util.List;

/**
 * A keyspace's registers as a checkpoint restore puts them back: without transaction locks. A checkpoint rolls back
 * the registers, not the commit protocol's logs: a transaction that held a lock at the checkpoint has ended since
 * (or will, on its own records), and nothing would ever release a lock it took then. So the lock goes and its
 * intent with it, as an abort would; the register keeps its value, version and recent writes. The same in the
 * recorded messages a snapshot delivers again (an accept, a promise, a learn carrying locked content), so no lock
 * comes back through them. Every replica drops the same lock from the same content: they still agree.
 */
public final class TxnLocksOnRestore implements RestoreFilter {

    private final String keys;

    public TxnLocksOnRestore(String keyspace) {
        this.keys = new StorageCodec(keyspace).keysPrefix();
    }

    @Override
    public String state(String key, String value) {
        if (!key.startsWith(keys)) return value;
        AcceptorState s = StorageCodec.decode(value);
        if (s.content().lock() == null) return value;
        return StorageCodec.encode(new AcceptorState(s.promised(), s.accepted(), s.committed(), unlocked(s.content())));
    }

    @Override
    public Message message(Message m) {
        if (m instanceof Accept a && a.content().lock() != null) {
            return new Accept(a.op(), a.key(), a.ballot(), unlocked(a.content()), a.next());
        }
        if (m instanceof Promise p && p.content() != null && p.content().lock() != null) {
            return new Promise(p.op(), p.key(), p.ballot(), p.ok(), p.promised(), p.accepted(), p.committed(), unlocked(p.content()));
        }
        if (m instanceof ReadReply r && r.content() != null && r.content().lock() != null) {
            return new ReadReply(r.op(), r.key(), r.accepted(), r.committed(), unlocked(r.content()));
        }
        if (m instanceof Learn l && l.states().stream().anyMatch(c -> c.content().lock() != null)) {
            List<Chosen> states = new ArrayList<>();
            for (Chosen c : l.states()) states.add(c.content().lock() == null ? c : new Chosen(c.key(), c.ballot(), unlocked(c.content())));
            return new Learn(l.round(), states);
        }
        return m;
    }

    private static Versioned unlocked(Versioned v) {
        return new Versioned(v.version(), v.value(), v.writes(), null);
    }
}

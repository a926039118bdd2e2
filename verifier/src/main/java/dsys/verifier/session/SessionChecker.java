package dsys.verifier.session;

import dsys.verifier.history.Call;
import dsys.verifier.history.History;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Session guarantees (Terry et al.; notes §2.2), per key, judged from what each client saw: the versions its ok
 * reads returned (a read's ETag; an absent key reads as its death certificate's version, or {@code 0.}) and the
 * versions its ok writes and deletes were given. A call with {@link Call#session()} belongs to that session, which
 * asked for all four guarantees; a call without one counts in its process' session, which asked for none.
 * Within a session, call b comes after call a when a returned before b was invoked.
 * <ul>
 * <li>read-your-writes: a read returns the version of the session's acknowledged writes of the key, or a later one;</li>
 * <li>monotonic reads: a read never returns an older version than an earlier read that returned a value;</li>
 * <li>monotonic writes: the session's writes of a key get increasing versions, so every replica, keeping the
 * last writer by version, orders them as the session issued them;</li>
 * <li>writes-follow-reads: a write after reading version v of the key gets a version after v.</li>
 * </ul>
 * Not observable from the client, so not checked: calls with an unknown outcome, failed calls (a 503 refusal
 * included) and calls without a version; the order in which a replica applied the writes, or showed them to other
 * sessions, beyond what the versions say (under last-writer-wins by version a replica never goes back to a lower
 * version, so the version order is the order every replica converges on); anything across keys: Terry et al.'s
 * monotonic writes and writes-follow-reads also order writes of different keys, which no per-key version shows
 * (kv keeps them per key too). A read that found no value does not raise the bar for later calls: the service
 * returns no session token with a 404, so it promises nothing about what follows it; the read itself is held to
 * the bar.
 */
public final class SessionChecker {

    private SessionChecker() {
    }

    public static SessionResult check(History history) {
        Map<String, List<Call>> asked = new LinkedHashMap<>(), other = new LinkedHashMap<>();
        int checked = 0;
        for (Call c : history.calls()) {
            if (versionOf(c) == null || c.key() == null || !(isRead(c) || isWrite(c))) continue;
            checked++;
            if (c.session() != null) asked.computeIfAbsent(c.session() + "\u0000" + c.key(), k -> new ArrayList<>()).add(c);
            else other.computeIfAbsent(c.process() + "\u0000" + c.key(), k -> new ArrayList<>()).add(c);
        }
        return new SessionResult(judge(asked), judge(other), sessions(asked), sessions(other), checked);
    }

    private static Map<Guarantee, List<SessionResult.Violation>> judge(Map<String, List<Call>> bySessionAndKey) {
        Map<Guarantee, List<SessionResult.Violation>> out = new EnumMap<>(Guarantee.class);
        for (Guarantee g : Guarantee.values()) out.put(g, new ArrayList<>());
        bySessionAndKey.forEach((sk, calls) -> {
            String session = sk.substring(0, sk.indexOf('\u0000'));
            judgeOne(session, calls, out);
        });
        return out;
    }

    /** One session's calls on one key, in invocation order; the bars rise with the calls that returned before. */
    private static void judgeOne(String session, List<Call> calls, Map<Guarantee, List<SessionResult.Violation>> out) {
        List<Call> byReturn = new ArrayList<>(calls);
        byReturn.sort(Comparator.comparingInt(Call::returnPos));
        int next = 0;
        Call wrote = null, read = null;
        for (Call c : calls) {
            while (next < byReturn.size() && byReturn.get(next).returnPos() < c.invokePos()) {
                Call done = byReturn.get(next++);
                if (isWrite(done) && (wrote == null || versionOf(wrote).isBefore(versionOf(done)))) wrote = done;
                if (isRead(done) && done.output() != null && (read == null || versionOf(read).isBefore(versionOf(done)))) read = done;
            }
            Version v = versionOf(c);
            if (isRead(c)) {
                if (wrote != null && v.isBefore(versionOf(wrote))) add(out, Guarantee.READ_YOUR_WRITES, session, c, wrote);
                if (read != null && v.isBefore(versionOf(read))) add(out, Guarantee.MONOTONIC_READS, session, c, read);
            } else {
                if (wrote != null && !versionOf(wrote).isBefore(v)) add(out, Guarantee.MONOTONIC_WRITES, session, c, wrote);
                if (read != null && !versionOf(read).isBefore(v)) add(out, Guarantee.WRITES_FOLLOW_READS, session, c, read);
            }
        }
    }

    private static void add(Map<Guarantee, List<SessionResult.Violation>> out, Guarantee g, String session, Call later, Call earlier) {
        out.get(g).add(new SessionResult.Violation(g, session, later.key(), earlier, versionOf(earlier), later, versionOf(later)));
    }

    private static int sessions(Map<String, List<Call>> bySessionAndKey) {
        return (int) bySessionAndKey.keySet().stream().map(sk -> sk.substring(0, sk.indexOf('\u0000'))).distinct().count();
    }

    private static boolean isRead(Call c) {
        return c.f().equals("read");
    }

    private static boolean isWrite(Call c) {
        return c.f().equals("write") || c.f().equals("delete");
    }

    /** The version an ok call reported, or null (none, or not a version: such a call is not judged). */
    static Version versionOf(Call c) {
        String s = c.version();
        if (s == null) return null;
        try {
            return Version.parse(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}

package dsys.verifier.linear;

import dsys.verifier.history.Call;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A read/write register, optionally with compare-and-set. Initial value null.
 * read: ok value = the value read. write: value = the value written.
 * cas: value = [expected, new]; ok means it swapped, fail means it did not.
 *
 * <p>Specialised to a key ({@link #forKey}), a write of a value that no read returns and no
 * cas expects leads to the one state {@link Unseen#UNSEEN}: which such value the register
 * holds cannot matter, since only another write can follow. Concurrent unobserved writes
 * then reach the same configurations in whatever order they are taken.
 */
public final class RegisterModel implements Model {
    /** Stands for the value null, since states may not be null. */
    enum Nil { NIL; @Override public String toString() { return "null"; } }

    /** Any value nobody observes. */
    enum Unseen { UNSEEN; @Override public String toString() { return "a value no read returns"; } }

    private final boolean cas;
    /** Values some read returned or some cas expected (wrapped); null when not specialised to a key. */
    private final Set<Object> observed;

    private RegisterModel(boolean cas, Set<Object> observed) {
        this.cas = cas;
        this.observed = observed;
    }

    public static RegisterModel register() {
        return new RegisterModel(false, null);
    }

    public static RegisterModel casRegister() {
        return new RegisterModel(true, null);
    }

    @Override
    public String name() {
        return cas ? "cas-register" : "register";
    }

    @Override
    public Object init() {
        return Nil.NIL;
    }

    static Object wrap(Object v) {
        return v == null ? Nil.NIL : v;
    }

    @Override
    public RegisterModel forKey(List<Call> keyCalls) {
        return new RegisterModel(cas, observed(keyCalls));
    }

    private static Set<Object> observed(List<Call> keyCalls) {
        Set<Object> seen = new HashSet<>();
        for (Call c : keyCalls) {
            if (c.f().equals("read") && c.isOk()) seen.add(wrap(c.output()));
            if (c.f().equals("cas") && !c.isFail() && c.input() instanceof List<?> l && l.size() == 2) seen.add(wrap(l.get(0)));
        }
        return seen;
    }

    /** An unknown write (or cas) of a value no read returned and no cas expected can only have hidden itself. */
    @Override
    public boolean omittable(Call unknown, List<Call> keyCalls) {
        Object written = written(unknown);
        return written != null && !(observed != null ? observed : observed(keyCalls)).contains(written);
    }

    /** The value a write or cas puts in the register, wrapped; null for other calls. */
    private static Object written(Call c) {
        if (c.f().equals("write")) return wrap(c.input());
        if (c.f().equals("cas") && c.input() instanceof List<?> l && l.size() == 2) return wrap(l.get(1));
        return null;
    }

    @Override
    public boolean readOnly(Call call) {
        return call.f().equals("read");
    }

    @Override
    public boolean blindWritesOnly(Object state) {
        // Reads and cas need a value someone observed; UNSEEN is none.
        return state == Unseen.UNSEEN;
    }

    @Override
    public Transition prepare(Call call) {
        switch (call.f()) {
            case "read": {
                if (call.isUnknown()) return null;
                Object read = wrap(call.output());
                return s -> s.equals(read) ? s : null;
            }
            case "write": {
                Object written = stored(wrap(call.input()));
                return s -> written;
            }
            case "cas": {
                if (!cas) break;
                if (!(call.input() instanceof List<?> l) || l.size() != 2) {
                    throw new ModelException(call, false, "value", "cas expects [expected, new], got " + call.input());
                }
                Object expected = wrap(l.get(0));
                Object next = stored(wrap(l.get(1)));
                // An unknown cas that finds a mismatch changes nothing: same as leaving it out.
                return s -> s.equals(expected) ? next : null;
            }
            default:
                break;
        }
        throw new ModelException(call, false, "f", name() + " expects " + (cas ? "read, write or cas" : "read or write")
                + ", got \"" + call.f() + "\"");
    }

    private Object stored(Object value) {
        return observed == null || observed.contains(value) ? value : Unseen.UNSEEN;
    }
}

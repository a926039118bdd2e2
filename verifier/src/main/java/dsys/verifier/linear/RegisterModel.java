package dsys.verifier.linear;

import dsys.verifier.history.Call;

import java.util.List;
import java.util.Objects;

/**
 * A read/write register, optionally with compare-and-set. Initial value null.
 * read: ok value = the value read. write: value = the value written.
 * cas: value = [expected, new]; ok means it swapped, fail means it did not.
 */
public final class RegisterModel implements Model {
    /** Stands for the value null, since states may not be null. */
    enum Nil { NIL; @Override public String toString() { return "null"; } }

    private final boolean cas;

    private RegisterModel(boolean cas) {
        this.cas = cas;
    }

    public static RegisterModel register() {
        return new RegisterModel(false);
    }

    public static RegisterModel casRegister() {
        return new RegisterModel(true);
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

    /** An unknown write (or cas) of a value no read returned and no cas expected can only have hidden itself. */
    @Override
    public boolean omittable(Call unknown, List<Call> keyCalls) {
        Object written = unknown.f().equals("write") ? unknown.input()
                : unknown.f().equals("cas") && unknown.input() instanceof List<?> l && l.size() == 2 ? l.get(1) : NOT_A_WRITE;
        if (written == NOT_A_WRITE) return false;
        for (Call c : keyCalls) {
            if (c.f().equals("read") && c.isOk() && Objects.equals(c.output(), written)) return false;
            if (c.f().equals("cas") && !c.isFail() && c.input() instanceof List<?> l && l.size() == 2
                    && Objects.equals(l.get(0), written)) {
                return false;
            }
        }
        return true;
    }

    private static final Object NOT_A_WRITE = new Object();

    @Override
    public boolean readOnly(Call call) {
        return call.f().equals("read");
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
                Object written = wrap(call.input());
                return s -> written;
            }
            case "cas": {
                if (!cas) break;
                if (!(call.input() instanceof List<?> l) || l.size() != 2) {
                    throw new ModelException(call, false, "value", "cas expects [expected, new], got " + call.input());
                }
                Object expected = wrap(l.get(0));
                Object next = wrap(l.get(1));
                // An unknown cas that finds a mismatch changes nothing: same as leaving it out.
                return s -> s.equals(expected) ? next : null;
            }
            default:
                break;
        }
        throw new ModelException(call, false, "f", name() + " expects " + (cas ? "read, write or cas" : "read or write")
                + ", got \"" + call.f() + "\"");
    }
}

package dsys.verifier.history;

import java.util.Objects;

/**
 * An invocation paired with its completion. {@code completion} is null when the history ended
 * before the reply, which means the same as {@code info}: the outcome is unknown.
 * Positions are indices into {@link History#ops()}; {@code completionPos} is -1 without a
 * completion. For real-time order an unknown outcome returns at {@link #NEVER}: the op may
 * take effect at any time after its invocation.
 */
public record Call(int id, Op invoke, Op completion, int invokePos, int completionPos) {

    public static final int NEVER = Integer.MAX_VALUE;

    public String process() {
        return invoke.process();
    }

    public String f() {
        return invoke.f();
    }

    public String key() {
        return invoke.key();
    }

    /** OK, FAIL or INFO; a missing completion counts as INFO. */
    public OpType outcome() {
        return completion == null ? OpType.INFO : completion.type();
    }

    public boolean isOk() {
        return outcome() == OpType.OK;
    }

    public boolean isFail() {
        return outcome() == OpType.FAIL;
    }

    public boolean isUnknown() {
        return outcome() == OpType.INFO;
    }

    public Object input() {
        return invoke.value();
    }

    /** What the completion reported; null when unknown. */
    public Object output() {
        return completion == null ? null : completion.value();
    }

    /** The completion's value when it has one (a read's result, a grant), else the invocation's. */
    public Object value() {
        Object out = output();
        return out != null ? out : invoke.value();
    }

    /** The session the call carried (see {@link Op#session()}), or null. */
    public String session() {
        return invoke.session();
    }

    /** The version an ok completion reported, or null. */
    public String version() {
        return isOk() ? completion.version() : null;
    }

    /** Position of the return in real-time order: {@link #NEVER} unless ok or fail. */
    public int returnPos() {
        return isUnknown() ? NEVER : completionPos;
    }

    /** True when this call certainly finished before {@code other} began. */
    public boolean precedes(Call other) {
        return returnPos() < other.invokePos;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append('#').append(invoke.index()).append(' ').append(process()).append(' ').append(f());
        if (key() != null) sb.append(' ').append(key());
        if (invoke.value() != null) sb.append(' ').append(Values.toJson(invoke.value()));
        sb.append(" -> ").append(outcome().json());
        // A read shows its result even when null; a write's ok does not repeat the value.
        if (completion != null && !Objects.equals(completion.value(), invoke.value())
                || isOk() && invoke.value() == null) {
            sb.append(' ').append(Values.toJson(completion.value()));
        }
        return sb.toString();
    }
}

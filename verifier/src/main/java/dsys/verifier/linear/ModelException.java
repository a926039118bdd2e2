package dsys.verifier.linear;

import dsys.verifier.history.Call;

/** A call that does not fit the model: unknown f, or a value of the wrong shape. */
public class ModelException extends IllegalArgumentException {
    private final Call call;
    private final boolean inCompletion;
    private final String field;

    public ModelException(Call call, boolean inCompletion, String field, String detail) {
        super("op " + (inCompletion ? call.completion() : call.invoke()).index() + " (" + call.process() + " "
                + call.f() + "): field \"" + field + "\": " + detail);
        this.call = call;
        this.inCompletion = inCompletion;
        this.field = field;
    }

    public Call call() {
        return call;
    }

    /** Position in the history of the offending line. */
    public int position() {
        return inCompletion ? call.completionPos() : call.invokePos();
    }

    public String field() {
        return field;
    }

    /** The message without the op prefix, for "line N: field F: ..." reports. */
    public String detail() {
        String m = getMessage();
        return m.substring(m.indexOf(": field") + 2);
    }
}

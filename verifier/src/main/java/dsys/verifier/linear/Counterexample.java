package dsys.verifier.linear;

import dsys.verifier.history.Call;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Where the search got deepest before failing: after {@code linearized} calls, ending with
 * {@code lastLinearized}, the model was in {@code state}; {@code blocking} must take effect
 * before it returns, yet neither it nor any call still open beside it ({@code candidates},
 * which includes {@code blocking}) can be applied in that state.
 */
public record Counterexample(String key, String state, int linearized, List<Call> lastLinearized,
                             Call blocking, List<Call> candidates) {

    @Override
    public String toString() {
        String nl = System.lineSeparator();
        StringBuilder sb = new StringBuilder();
        sb.append("key ").append(key).append(": after ").append(linearized).append(" ops linearized");
        if (!lastLinearized.isEmpty()) {
            sb.append(", ending with").append(nl);
            lastLinearized.forEach(c -> sb.append("      ").append(c).append(nl));
            sb.append("    ");
        } else {
            sb.append(' ');
        }
        sb.append("the state is ").append(state).append(". No call can take effect next:").append(nl);
        sb.append(candidates.stream().map(c -> "      " + c + (c == blocking ? "   <- must take effect before it returns" : ""))
                .collect(Collectors.joining(nl)));
        return sb.toString();
    }
}

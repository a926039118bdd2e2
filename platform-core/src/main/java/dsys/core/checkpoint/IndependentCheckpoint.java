package dsys.core.checkpoint;

import java.util.Arrays;
import java.util.List;

/**
 * One local checkpoint of independent checkpointing, as stable storage holds it: its number (0 is the initial
 * state), the process state, and the dependencies of the interval it closes (the receipts since the previous
 * checkpoint). One line: {@code index#from/sendInterval/receiveInterval,...#state}.
 */
record IndependentCheckpoint(int index, List<Dependency> dependencies, ProcessState state) {

    String encode() {
        return index + "#" + String.join(",", dependencies.stream().map(Dependency::encode).toList()) + "#" + state.encode();
    }

    static IndependentCheckpoint decode(String line, String self) {
        String[] f = line.split("#", 3);
        List<Dependency> deps = f[1].isEmpty() ? List.of() : Arrays.stream(f[1].split(",")).map(s -> Dependency.decode(s, self)).toList();
        return new IndependentCheckpoint(Integer.parseInt(f[0]), deps, ProcessState.decode(f[2]));
    }
}

package dsys.launcher;

import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code --name=value} options of the launcher's own commands (lockbench, fuzz). */
public final class Options {

    private Options() {
    }

    public static Map<String, String> parse(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (String a : args) {
            if (!a.startsWith("--") || !a.contains("=")) throw new IllegalArgumentException("options are --name=value, not " + a);
            o.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        }
        return o;
    }
}

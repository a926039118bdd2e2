package dsys.verifier.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Positional arguments and {@code --name value} / {@code -o value} options. */
final class Args {
    final List<String> positional = new ArrayList<>();
    private final Map<String, String> options = new HashMap<>();

    Args(String[] args, int from, Set<String> known, Set<String> flags) {
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("-") || a.equals("-")) {
                positional.add(a);
            } else if (!known.contains(a) && !flags.contains(a)) {
                throw new UsageException("unknown option " + a);
            } else if (flags.contains(a)) {
                options.put(a, "true");
            } else if (i + 1 >= args.length) {
                throw new UsageException(a + " needs a value");
            } else {
                options.put(a, args[++i]);
            }
        }
    }

    String get(String name) {
        return options.get(name);
    }

    boolean has(String name) {
        return options.containsKey(name);
    }

    long number(String name, long otherwise) {
        String v = options.get(name);
        if (v == null) return otherwise;
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException(name + " expects an integer, got " + v);
        }
    }

    double decimal(String name, double otherwise) {
        String v = options.get(name);
        if (v == null) return otherwise;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UsageException(name + " expects a number, got " + v);
        }
    }
}

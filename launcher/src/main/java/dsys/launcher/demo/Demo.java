package dsys.launcher.demo;

/** One narrated scenario that drives the running platform through the gateway. */
interface Demo {

    /**
     * Runs the scenario: every call goes through {@code s.api()}, every fault through {@code s.faults()} (so it is
     * healed whatever happens), every claim the narration makes about the platform through {@code s.say().check}.
     */
    void run(Stage s) throws Exception;

    /** What a demo works with: the gateway, the narration, the faults it made, and its options. */
    record Stage(Api api, Narrator say, Faults faults, java.util.Map<String, String> options) {

        /** {@code --name=a,b} as a list, or {@code all} when not given. */
        java.util.List<String> list(String name, java.util.List<String> all) {
            String v = options.get(name);
            if (v == null || v.isBlank()) return all;
            java.util.List<String> chosen = java.util.List.of(v.split(","));
            for (String c : chosen) {
                if (!all.contains(c)) throw new BadOption("--" + name + " takes " + String.join(",", all) + ", not " + c);
            }
            return chosen;
        }
    }

    /** An option a demo cannot use: a usage error (exit 2), not a platform that misbehaved. */
    final class BadOption extends IllegalArgumentException {
        BadOption(String message) {
            super(message);
        }
    }
}

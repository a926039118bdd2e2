package dsys.launcher.verify;

import dsys.verifier.history.Call;
import dsys.verifier.history.History;

import java.util.Map;
import java.util.TreeMap;

/** Calls per operation and outcome, e.g. {@code read 812 ok / 40 fail, write 700 ok / 12 fail / 3 info}. */
record Summary(Map<String, int[]> byF) {

    static Summary of(History h) {
        Map<String, int[]> m = new TreeMap<>();
        for (Call c : h.calls()) {
            int[] n = m.computeIfAbsent(c.f(), f -> new int[3]);
            n[c.isOk() ? 0 : c.isFail() ? 1 : 2]++;
        }
        return new Summary(m);
    }

    int total(int outcome) {
        return byF.values().stream().mapToInt(n -> n[outcome]).sum();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        byF.forEach((f, n) -> sb.append(sb.isEmpty() ? "" : ", ").append(f).append(' ').append(n[0]).append(" ok / ")
                .append(n[1]).append(" fail / ").append(n[2]).append(" info"));
        return sb.toString();
    }
}

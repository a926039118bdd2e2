package dsys.core.checkpoint.live;

import dsys.core.checkpoint.Dependency;

import java.util.List;

/**
 * What a node keeps about one local checkpoint besides its data: {@code local} its name (kind letter and number),
 * {@code status} (snapshot: recording, complete, partial; coordinated: tentative, permanent; independent: taken),
 * the summary of its data ({@code stored} false once the data is dropped), and for independent checkpoints the
 * dependencies of the interval it closes (one per sender: the latest send interval received from it).
 */
public record LocalMeta(String local, long number, String status, Views.LocalSummary summary,
                        List<Dependency> dependencies, int channel) {

    public LocalMeta {
        dependencies = dependencies == null ? List.of() : List.copyOf(dependencies);
    }

    LocalMeta withStatus(String s) {
        return new LocalMeta(local, number, s, summary, dependencies, channel);
    }

    LocalMeta withChannel(int n) {
        return new LocalMeta(local, number, status, summary, dependencies, n);
    }

    LocalMeta withoutData() {
        Views.LocalSummary s = summary;
        return new LocalMeta(local, number, status, new Views.LocalSummary(s.node(), s.local(), s.entries(), s.bytes(),
                s.digest(), false), dependencies, channel);
    }
}

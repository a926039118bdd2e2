package dsys.core.epidemic;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Cuts a list of updates to a message's byte budget (one update always goes, however large). */
final class Batches {

    private Batches() {
    }

    static List<Update> upTo(Collection<Update> updates, long maxBytes) {
        List<Update> out = new ArrayList<>();
        long bytes = 0;
        for (Update u : updates) {
            if (!out.isEmpty() && bytes + u.size() > maxBytes) break;
            out.add(u);
            bytes += u.size();
        }
        return out;
    }
}

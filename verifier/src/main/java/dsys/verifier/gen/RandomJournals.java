package dsys.verifier.gen;

import dsys.verifier.journal.MessageEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Message journals of nodes that keep Lamport and vector clocks by the book, exchanging
 * random messages over a network that reorders and loses some ({@code lossRate}). For tests
 * of the logical-clock checker and for the diagram.
 */
public final class RandomJournals {
    private static final String[] TYPES = {"request", "reply", "prepare", "vote", "gossip"};

    private RandomJournals() {
    }

    public static List<MessageEvent> generate(long seed, int nodes, int messages, double lossRate) {
        SplittableRandom rnd = new SplittableRandom(seed);
        String[] names = new String[nodes];
        long[] lamport = new long[nodes];
        List<Map<String, Long>> vector = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            names[i] = "n" + (i + 1);
            vector.add(new HashMap<>());
        }
        List<MessageEvent> journal = new ArrayList<>();
        List<MessageEvent> inFlight = new ArrayList<>();
        int sent = 0;
        long time = 0;
        while (sent < messages || !inFlight.isEmpty()) {
            time += 1 + rnd.nextInt(1000);
            if (sent < messages && (inFlight.isEmpty() || rnd.nextBoolean())) {
                int from = rnd.nextInt(nodes);
                int to = (from + 1 + rnd.nextInt(nodes - 1)) % nodes;
                lamport[from]++;
                vector.get(from).merge(names[from], 1L, Long::sum);
                MessageEvent send = MessageEvent.send(names[from], names[to], "m" + sent++, TYPES[rnd.nextInt(TYPES.length)],
                        lamport[from], vector.get(from), time);
                journal.add(send);
                if (rnd.nextDouble() >= lossRate) inFlight.add(send);
                continue;
            }
            MessageEvent m = inFlight.remove(rnd.nextInt(inFlight.size()));
            int to = index(names, m.peer());
            lamport[to] = Math.max(lamport[to], m.lamport()) + 1;
            Map<String, Long> v = vector.get(to);
            m.vector().forEach((k, c) -> v.merge(k, c, Math::max));
            v.merge(names[to], 1L, Long::sum);
            journal.add(MessageEvent.receive(names[to], m.node(), m.msgId(), m.type(), lamport[to], v, time));
        }
        return journal;
    }

    private static int index(String[] names, String name) {
        for (int i = 0; i < names.length; i++) if (names[i].equals(name)) return i;
        throw new IllegalArgumentException(name);
    }
}

package dsys.platform.transport;

import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.core.clock.VectorTime;
import dsys.core.message.Envelope;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Decoding one line of a peer's stream ({@link MessageBatch#decode}), which every message between nodes goes
 * through: batches of 1 and 8 messages shaped like the quorum kv store's Accept (a key, a 100-byte value, two
 * ballots) with a three-node vector clock. Reports µs per batch. Run with {@code scripts/jmh.sh MessageBatchBench}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class MessageBatchBench {

    public record Ballot(long round, String node) {
    }

    public record Content(String value, long version, String writer, boolean deleted) {
    }

    public record Accept(String op, String key, Ballot ballot, Content content, Ballot next) implements Message {
    }

    @Param({"1", "8"})
    public int messages;

    final ObjectMapper json = new ObjectMapper();
    final NodeId from = NodeId.of("kv-1"), self = NodeId.of("kv-2");
    byte[] line;

    @Setup
    public void encode() throws Exception {
        VectorTime v = VectorTime.ZERO;
        for (String n : List.of("kv-1", "kv-2", "kv-3")) for (int i = 0; i < 40; i++) v = v.increment(n);
        List<MessageBatch.Item> items = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            Accept a = new Accept("put", "kvbench-" + i, new Ballot(1_796_000_000L + i, "kv-1"),
                    new Content("v".repeat(100), 1_796_464_858_988L + i, "kv-1", false), new Ballot(1_796_000_001L + i, "kv-1"));
            items.add(MessageBatch.Item.of("default", new Envelope("kv-1-" + i, from, self, "Accept", 1000 + i, v, a)));
        }
        line = json.writeValueAsBytes(new MessageBatch(items));
        if (MessageBatch.decode(line, 0, line.length, from, self, json).size() != messages) throw new IllegalStateException("bad batch");
    }

    @Benchmark
    public Object decode() {
        return MessageBatch.decode(line, 0, line.length, from, self, json);
    }
}

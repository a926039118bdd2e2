package dsys.verifier.history;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes ops as JSON lines, flushing each one: a journal must survive the writer's crash. */
public final class HistoryWriter implements Closeable {
    private final Writer out;

    public HistoryWriter(Writer out) {
        this.out = out;
    }

    public static HistoryWriter open(Path file) throws IOException {
        return new HistoryWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }

    public static void write(History history, Path file) throws IOException {
        try (HistoryWriter w = open(file)) {
            for (Op op : history.ops()) w.append(op);
        }
    }

    public synchronized void append(Op op) {
        try {
            out.write(toJson(op));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String toJson(Op op) {
        ObjectNode o = Values.MAPPER.createObjectNode();
        o.put("index", op.index());
        o.put("time", op.time());
        o.put("process", op.process());
        if (op.node() != null) o.put("node", op.node());
        o.put("type", op.type().json());
        o.put("f", op.f());
        if (op.key() != null) o.put("key", op.key());
        o.set("value", Values.MAPPER.valueToTree(op.value()));
        if (op.error() != null) o.put("error", op.error());
        if (op.session() != null) o.put("session", op.session());
        if (op.version() != null) o.put("version", op.version());
        return o.toString();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}

package dsys.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A request with a body far larger than any server should accept, written over a plain socket from one small
 * buffer (nothing of its size is ever allocated), with a Content-Length or chunked. The answer is read while the
 * body is still being sent, as a server that refuses early answers before it has read it: a client that first
 * sends everything would wait for ever on a server that stopped reading. Shared by every module's tests.
 */
public final class HugeRequest {

    /** What came back; {@code sent} is how much of the body the server took before answering or hanging up. */
    public record Answer(int status, Map<String, String> headers, String body, long sent) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** Its detail, once checked to be an RFC 9457 problem with {@code status} and type {@code .../problems/<slug>}. */
        public String problemDetail(int expectedStatus, String slug) {
            try {
                JsonNode p = JSON.readTree(body);
                String type = header("Content-Type");
                if (status == expectedStatus && type != null && type.startsWith("application/problem+json")
                        && p.path("type").asText().equals("https://dsys.dev/problems/" + slug) && p.path("status").asInt() == status) {
                    return p.path("detail").asText();
                }
            } catch (IOException notJson) {
                // below
            }
            throw new AssertionError("expected a " + expectedStatus + " " + slug + " problem, got " + this);
        }

        /** For assertion messages: the answer might echo all the body it took. */
        @Override
        public String toString() {
            return status + " " + headers + " " + (body.length() > 300 ? body.substring(0, 300) + "…" : body);
        }
    }

    private static final int BUFFER = 64 << 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    private HugeRequest() {
    }

    /**
     * {@code METHOD path} with {@code prefix} then filler up to {@code size} bytes in all. The filler is the letter
     * a: after a prefix that opens a JSON string it is a well-formed (unfinished) document, so a server that reads
     * it as JSON has to keep reading until a limit stops it.
     */
    public static Answer send(int port, String method, String path, Map<String, String> headers, String prefix,
                              long size, boolean chunked) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(30_000);
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nContent-Type: application/json\r\nConnection: close\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append(chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + size + "\r\n").append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            CompletableFuture<Long> sent = CompletableFuture.supplyAsync(() -> writeBody(out, prefix, size, chunked));
            Answer a = read(socket.getInputStream());
            socket.close(); // stops the writer if the server answered without reading everything
            return new Answer(a.status, a.headers, a.body, sent.get(30, TimeUnit.SECONDS));
        }
    }

    private static long writeBody(OutputStream out, String prefix, long size, boolean chunked) {
        byte[] filler = new byte[BUFFER];
        Arrays.fill(filler, (byte) 'a');
        byte[] start = prefix.getBytes(StandardCharsets.UTF_8);
        long sent = 0;
        try {
            sent += chunk(out, start, start.length, chunked);
            while (sent < size) sent += chunk(out, filler, (int) Math.min(filler.length, size - sent), chunked);
            if (chunked) out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException serverStoppedReading) {
            // expected: it answered and hung up
        }
        return sent;
    }

    private static int chunk(OutputStream out, byte[] b, int n, boolean chunked) throws IOException {
        if (n == 0) return 0; // an empty chunk would end the body
        if (chunked) out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b, 0, n);
        if (chunked) out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        return n;
    }

    /** Status line, headers, and a body by Content-Length, chunks, or up to the end of the connection. */
    private static Answer read(InputStream in) throws IOException {
        String status = line(in);
        if (status == null) throw new IOException("the server hung up without an answer");
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int n; (n = Integer.parseInt(line(in).split(";")[0].trim(), 16)) > 0; line(in)) body.write(in.readNBytes(n));
        } else {
            body.write(in.readAllBytes());
        }
        return new Answer(Integer.parseInt(status.split(" ")[1]), headers, body.toString(StandardCharsets.UTF_8), 0);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c >= 0; c = in.read()) {
            if (c == '\n') return b.toString(StandardCharsets.US_ASCII).stripTrailing();
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.US_ASCII);
    }
}

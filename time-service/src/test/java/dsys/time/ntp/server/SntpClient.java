package dsys.time.ntp.server;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Optional;

/** A minimal SNTP client over the host clock, for tests and the benchmark: one request, one answer. */
public final class SntpClient implements AutoCloseable {

    /** What one exchange measured: the server's offset against this host and the round-trip delay. */
    public record Measurement(NtpPacket reply, long offsetNanos, long delayNanos) {
    }

    private final DatagramSocket socket;
    private final InetSocketAddress server;
    private final byte[] buf = new byte[512];

    public SntpClient(String host, int port, int timeoutMs) throws IOException {
        this.socket = new DatagramSocket();
        this.socket.setSoTimeout(timeoutMs);
        this.server = new InetSocketAddress(host, port);
    }

    public static long hostNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    public Optional<Measurement> query(int version) throws IOException {
        long t1 = hostNanos();
        long xmt = NtpTimestamp.fromUnixNanos(t1);
        NtpPacket q = new NtpPacket(0, version, 3, 0, 6, -20, 0, 0, 0, 0, 0, 0, xmt);
        sendRaw(q.encode());
        DatagramPacket in = new DatagramPacket(buf, buf.length);
        try {
            socket.receive(in);
        } catch (java.net.SocketTimeoutException e) {
            return Optional.empty();
        }
        long t4 = hostNanos();
        Optional<NtpPacket> parsed = NtpPacket.parse(in.getData(), in.getLength());
        if (parsed.isEmpty() || parsed.get().originTime() != xmt) return Optional.empty();
        NtpPacket a = parsed.get();
        long t2 = NtpTimestamp.toUnixNanos(a.receiveTime());
        long t3 = NtpTimestamp.toUnixNanos(a.transmitTime());
        return Optional.of(new Measurement(a, ((t2 - t1) + (t3 - t4)) / 2, (t4 - t1) - (t3 - t2)));
    }

    public void sendRaw(byte[] data) throws IOException {
        socket.send(new DatagramPacket(data, data.length, server));
    }

    /** Waits for any datagram (to check that garbage gets no answer). */
    public Optional<byte[]> receiveAny() throws IOException {
        DatagramPacket in = new DatagramPacket(buf, buf.length);
        try {
            socket.receive(in);
            return Optional.of(java.util.Arrays.copyOf(in.getData(), in.getLength()));
        } catch (java.net.SocketTimeoutException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}

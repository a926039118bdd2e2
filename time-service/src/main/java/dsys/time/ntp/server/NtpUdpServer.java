package dsys.time.ntp.server;

import dsys.core.clock.PhysicalClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's NTP server on UDP: one daemon thread receives a datagram, stamps its arrival with the node's clock
 * right away, and answers through {@link NtpResponder}. One thread bounds what a flood can cost; a datagram that
 * is not a well-formed client request is counted and dropped, never answered.
 */
public final class NtpUdpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NtpUdpServer.class);

    private final InetAddress bind;
    private final int port;
    private final PhysicalClock clock;
    private final NtpResponder responder;
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile DatagramSocket socket;
    private volatile boolean running;
    private Thread thread;

    public NtpUdpServer(InetAddress bind, int port, PhysicalClock clock, NtpResponder responder) {
        this.bind = bind;
        this.port = port;
        this.clock = clock;
        this.responder = responder;
    }

    public synchronized void start() throws SocketException {
        if (running) return;
        socket = new DatagramSocket(new InetSocketAddress(bind, port));
        socket.setSoTimeout(500); // wakes up to notice close()
        running = true;
        thread = new Thread(this::loop, "ntp-udp-" + socket.getLocalPort());
        thread.setDaemon(true);
        thread.start();
        log.info("NTP server listening on udp {}:{}", bind.getHostAddress(), socket.getLocalPort());
    }

    /** The bound port (useful when configured as 0). */
    public int port() {
        DatagramSocket s = socket;
        return s == null ? -1 : s.getLocalPort();
    }

    /** The address the socket is bound to (loopback unless dsys.bind-address says otherwise), null before start. */
    public InetSocketAddress address() {
        DatagramSocket s = socket;
        return s == null ? null : (InetSocketAddress) s.getLocalSocketAddress();
    }

    public long answered() {
        return answered.get();
    }

    public long dropped() {
        return dropped.get();
    }

    private void loop() {
        byte[] buf = new byte[1024];
        DatagramPacket in = new DatagramPacket(buf, buf.length);
        while (running) {
            try {
                in.setLength(buf.length);
                socket.receive(in);
                long receivedAt = clock.nanos();
                Optional<byte[]> out = responder.respond(in.getData(), in.getLength(), receivedAt);
                if (out.isEmpty()) {
                    dropped.incrementAndGet();
                    continue;
                }
                answered.incrementAndGet(); // before sending, so a client that got its answer sees it counted
                socket.send(new DatagramPacket(out.get(), out.get().length, in.getSocketAddress()));
            } catch (SocketTimeoutException e) {
                // idle: loop to check running
            } catch (IOException | RuntimeException e) {
                if (running) {
                    dropped.incrementAndGet();
                    log.debug("NTP packet failed: {}", e.toString());
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        running = false;
        if (socket != null) socket.close();
        if (thread != null) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

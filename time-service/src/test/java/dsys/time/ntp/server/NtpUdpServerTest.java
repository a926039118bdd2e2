package dsys.time.ntp.server;

import dsys.core.clock.DriftingClock;
import dsys.time.ntp.NtpServerState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The UDP server on loopback, queried by a real socket client: answers clients, drops everything else. */
class NtpUdpServerTest {

    static final long MS = 1_000_000L;

    DriftingClock clock;
    NtpServerState state;
    NtpUdpServer server;
    SntpClient client;

    @BeforeEach
    void start() throws Exception {
        clock = new DriftingClock(SntpClient::hostNanos, 1_500 * MS, 40, 0.5);
        state = new NtpServerState();
        state.set(new NtpServerState.Snapshot(2, "time-1", 3 * MS, 2 * MS, clock.nanos(), false));
        NtpResponder responder = new NtpResponder(clock, state, node -> 0x7F00_0001L, 10, 500e-6);
        server = new NtpUdpServer(InetAddress.getLoopbackAddress(), 0, clock, responder);
        server.start();
        client = new SntpClient("127.0.0.1", server.port(), 300);
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void servesTheNodesClockToVersion4And3Clients() throws Exception {
        for (int version : new int[]{4, 3}) {
            SntpClient.Measurement m = client.query(version).orElseThrow();
            assertThat(m.reply().version()).isEqualTo(version);
            assertThat(m.reply().mode()).isEqualTo(4);
            assertThat(m.reply().stratum()).isEqualTo(2);
            assertThat(m.reply().leap()).isZero();
            assertThat(m.reply().referenceId()).isEqualTo(0x7F00_0001L);
            assertThat(NtpTimestamp.shortToNanos(m.reply().rootDelay())).isBetween(3 * MS, 3 * MS + 20_000);
            // RFC 5905's on-wire guarantee: the true offset lies within θ ± δ/2 (plus the clock's own drift).
            assertThat(Math.abs(m.offsetNanos() - clock.offsetNanos())).isLessThanOrEqualTo(m.delayNanos() / 2 + MS / 10);
        }
        assertThat(server.answered()).isEqualTo(2);
    }

    @Test
    void referenceAndUnsynchronizedNodesSayWhatTheyAre() throws Exception {
        state.set(new NtpServerState.Snapshot(1, null, 0, 0, clock.nanos(), true));
        NtpPacket ref = client.query(4).orElseThrow().reply();
        assertThat(ref.stratum()).isEqualTo(1);
        assertThat(ref.referenceId()).isEqualTo(NtpPacket.asciiId("XSIM"));

        state.set(new NtpServerState.Snapshot(16, null, 0, 0, clock.nanos(), false));
        NtpPacket orphan = client.query(4).orElseThrow().reply();
        assertThat(orphan.stratum()).isEqualTo(10); // orphan stratum, like chrony's "local stratum 10"
        assertThat(orphan.referenceId()).isEqualTo(NtpResponder.LOCAL_ID);
    }

    @Test
    void malformedPacketsAreDroppedWithoutHarm() throws Exception {
        Random r = new Random(42);
        byte[] shortOne = new byte[20];
        byte[] serverMode = new NtpPacket(0, 4, 4, 1, 6, -20, 0, 0, 0, 0, 0, 0, 1).encode();
        byte[] control = new NtpPacket(0, 2, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0).encode();
        byte[] privateMode = new NtpPacket(0, 2, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0).encode();
        byte[] version0 = new NtpPacket(0, 0, 3, 0, 6, -20, 0, 0, 0, 0, 0, 0, 1).encode();
        byte[] version5 = new NtpPacket(0, 5, 3, 0, 6, -20, 0, 0, 0, 0, 0, 0, 1).encode();
        byte[] empty = new byte[0];
        byte[][] bad = {shortOne, serverMode, control, privateMode, version0, version5, empty};
        for (byte[] b : bad) client.sendRaw(b);
        for (int i = 0; i < 50; i++) { // random noise, never a client-mode header of version 1..4
            byte[] noise = new byte[r.nextInt(0, 100)];
            r.nextBytes(noise);
            if (noise.length >= 48) noise[0] = (byte) ((noise[0] & 0xF8) | 4); // mode 4
            client.sendRaw(noise);
        }
        assertThat(client.receiveAny()).as("no answer to garbage").isEmpty();
        assertThat(server.dropped()).isEqualTo(57);
        assertThat(client.query(4)).as("still serving after the garbage").isPresent();
        byte[] longer = new byte[68]; // a header with a MAC after it: the header is still answered
        System.arraycopy(new NtpPacket(0, 4, 3, 0, 6, -20, 0, 0, 0, 0, 0, 0, 7).encode(), 0, longer, 0, 48);
        client.sendRaw(longer);
        assertThat(client.receiveAny()).isPresent();
    }
}

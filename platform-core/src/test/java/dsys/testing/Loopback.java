package dsys.testing;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.util.Collections;
import java.util.List;

/** Checks, from outside, on which of this host's addresses a TCP port answers (shared by every module's tests). */
public final class Loopback {

    private Loopback() {
    }

    /**
     * Fails unless {@code port} answers on 127.0.0.1 and refuses connections on every other address of this host.
     * A host with loopback only has nothing to refuse: then only the first half is checked.
     */
    public static void assertOnlyLoopbackAnswers(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        }
        for (InetAddress a : otherAddresses()) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(a, port), 2000);
                throw new AssertionError("port " + port + " answers on " + a.getHostAddress() + ", not only on loopback");
            } catch (ConnectException refused) {
                // what a loopback-bound listener does
            }
        }
    }

    /** This host's addresses other than loopback (and IPv6 link-local, which needs a scope to be reachable). */
    public static List<InetAddress> otherAddresses() throws SocketException {
        return Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> !a.isLoopbackAddress() && !(a instanceof Inet6Address && a.isLinkLocalAddress()))
                .toList();
    }
}

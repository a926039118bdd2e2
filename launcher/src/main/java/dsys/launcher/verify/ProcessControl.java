package dsys.launcher.verify;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Kill -9, restart, SIGSTOP and SIGCONT of platform nodes: through the {@code platform} script, which knows the pids
 * and how to start a node and wait until it is healthy. Its output goes to a log in the run's folder.
 */
final class ProcessControl {

    private final Path root;
    private final File log;

    ProcessControl(Path root, Path log) {
        this.root = root;
        this.log = log.toFile();
    }

    void kill(String node) throws IOException, InterruptedException {
        run(List.of(root.resolve("platform").toString(), "kill", node), 30);
    }

    /**
     * Returns once the node is healthy again (the script waits), or throws. The script's own limit is raised to
     * 5 minutes: on the shared two cores a Spring node under load was seen to need more than its default 120 s.
     */
    void start(String node) throws IOException, InterruptedException {
        run(List.of(root.resolve("platform").toString(), "start", node), 330);
    }

    void stop(String node) throws IOException, InterruptedException {
        signal(node, "-STOP");
    }

    void resume(String node) throws IOException, InterruptedException {
        signal(node, "-CONT");
    }

    private void signal(String node, String sig) throws IOException, InterruptedException {
        String pid = Files.readString(root.resolve(".platform/pids/" + node + ".pid")).trim();
        run(List.of("kill", sig, pid), 10);
    }

    private void run(List<String> cmd, long timeoutS) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        pb.environment().put("PLATFORM_TIMEOUT", "300");
        Process p = pb.start();
        if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " did not finish in " + timeoutS + " s");
        }
        if (p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + " (see " + log + ")");
    }
}

package dsys.launcher.jvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time of a JVM's JIT compiler threads and of the whole process, from {@code /proc/PID/task/TID/stat} (clock
 * ticks). Their ratio over a window says how much of a JVM's work is still compiling: the warm-up's stop signal, and
 * the benchmarks' warning that a cell was measured on a JIT still at work. (The JVM's own compilation time counts
 * elapsed time, which on busy cores also counts a compiler thread's wait for a core: 53–62 % where these gave 10–16 %.)
 */
public final class JitCpu {

    /** Cumulative ticks: of threads named {@code C1/C2 CompilerThre…}, and of all threads. */
    public record Ticks(long compiler, long all) {
        public static final Ticks NONE = new Ticks(0, 0);

        Ticks plus(Ticks o) {
            return new Ticks(compiler + o.compiler, all + o.all);
        }

        public Ticks minus(Ticks o) {
            return new Ticks(compiler - o.compiler, all - o.all);
        }

        /** The compilers' share of the CPU, 0 when nothing ran. */
        public double share() {
            return all <= 0 ? 0 : (double) compiler / all;
        }
    }

    private JitCpu() {
    }

    /** {@code name=pid,name=pid} (an option's value): the JVMs whose compilers to watch, in that order. */
    public static Map<String, Long> jvms(String spec) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String s : spec.split(",")) {
            if (s.isBlank()) continue;
            int eq = s.indexOf('=');
            if (eq < 1) throw new IllegalArgumentException("--jvms takes name=pid,name=pid, not " + s);
            m.put(s.substring(0, eq), Long.parseLong(s.substring(eq + 1)));
        }
        return m;
    }

    /** The ticks of all of {@code jvms} now, summed. */
    public static Ticks of(Map<String, Long> jvms) {
        Ticks sum = Ticks.NONE;
        for (long pid : jvms.values()) sum = sum.plus(of(pid));
        return sum;
    }

    /** The process's ticks now; zero for a process that is gone (its threads can end while being read). */
    public static Ticks of(long pid) {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        long compiler = 0, all = 0;
        try (Stream<Path> threads = Files.list(tasks)) {
            for (Path t : (Iterable<Path>) threads::iterator) {
                String stat;
                try {
                    stat = Files.readString(t.resolve("stat"));
                } catch (IOException gone) {
                    continue;
                }
                long ticks = ticks(stat);
                all += ticks;
                if (compilerThread(stat)) compiler += ticks;
            }
        } catch (IOException gone) {
            return Ticks.NONE;
        }
        return new Ticks(compiler, all);
    }

    /**
     * utime + stime of one {@code stat} line. The thread's name sits in parentheses and may itself hold spaces and
     * parentheses, so fields are counted from the last ')': state is the 1st after it, utime the 12th, stime the 13th.
     */
    static long ticks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    static boolean compilerThread(String stat) {
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        return name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre");
    }
}

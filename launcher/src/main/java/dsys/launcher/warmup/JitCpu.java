package dsys.launcher.warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time of a JVM's JIT compiler threads and of the whole process, from {@code /proc/PID/task/TID/stat} (clock
 * ticks). Their ratio over a window says how much of a JVM's work is still compiling: the warm-up's stop signal.
 */
final class JitCpu {

    /** Cumulative ticks: of threads named {@code C1/C2 CompilerThre…}, and of all threads. */
    record Ticks(long compiler, long all) {
        Ticks plus(Ticks o) {
            return new Ticks(compiler + o.compiler, all + o.all);
        }

        Ticks minus(Ticks o) {
            return new Ticks(compiler - o.compiler, all - o.all);
        }

        /** The compilers' share of the CPU, 0 when nothing ran. */
        double share() {
            return all <= 0 ? 0 : (double) compiler / all;
        }
    }

    private JitCpu() {
    }

    /** The process's ticks now; zero for a process that is gone (its threads can end while being read). */
    static Ticks of(long pid) {
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
            return new Ticks(0, 0);
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

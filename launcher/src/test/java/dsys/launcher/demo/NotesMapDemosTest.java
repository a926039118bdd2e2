package dsys.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The docs name the demos that exist: every {@code ./platform demo NAME} in docs/notes-map.md's Demo column and in
 * the README is a built demo, every demo marked "(not built yet)" there is one the catalog lists as not built, every
 * built demo appears in both and the README names every demo (DocLinksTest in platform-core checks that every row of
 * the map has a Demo cell).
 */
class NotesMapDemosTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern RUNS = Pattern.compile("\\./platform demo ([a-z][a-z-]*)");
    private static final Pattern WAITS = Pattern.compile("`([a-z][a-z-]*)` \\(not built yet\\)");

    @Test
    void theNotesMapNamesOnlyDemosThatExistAndEveryOne() throws IOException {
        String map = Files.readString(ROOT.resolve("docs/notes-map.md"));
        List<String> demoCells = new ArrayList<>();
        for (String row : map.split("\n")) {
            String[] cells = row.split("\\|");
            if (row.startsWith("| ") && !row.startsWith("| §") && cells.length >= 7) demoCells.add(cells[6]);
        }
        assertThat(demoCells).as("Demo cells of the map").hasSizeGreaterThan(30);
        Set<String> run = new TreeSet<>();
        Set<String> waiting = new TreeSet<>();
        for (String cell : demoCells) {
            collect(RUNS, cell, run);
            collect(WAITS, cell, waiting);
        }
        assertThat(run).as("demos the map runs").isEqualTo(names(true));
        // the map need not name every demo that waits (a family may span several sections); today none waits
        assertThat(waiting).as("demos the map says are not built yet").isSubsetOf(names(false));
    }

    @Test
    void theReadmeListsEveryDemoAndRunsOnlyBuiltOnes() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        Set<String> run = new TreeSet<>();
        collect(RUNS, readme, run);
        run.remove("all");
        assertThat(names(true)).as("built demos the README runs").isSubsetOf(run);
        assertThat(run).as("demos the README runs").isSubsetOf(names(true));
        List<String> unnamed = new ArrayList<>();
        for (Catalog.Entry e : Catalog.ALL) {
            if (!readme.contains("`" + e.name() + "`") && !run.contains(e.name())) unnamed.add(e.name());
        }
        assertThat(unnamed).as("demos the README does not name").isEmpty();
    }

    private static void collect(Pattern p, String text, Set<String> into) {
        Matcher m = p.matcher(text);
        while (m.find()) into.add(m.group(1));
    }

    private static Set<String> names(boolean built) {
        Set<String> out = new TreeSet<>();
        Catalog.ALL.stream().filter(e -> e.built() == built).forEach(e -> out.add(e.name()));
        return out;
    }
}

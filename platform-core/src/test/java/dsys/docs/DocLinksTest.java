package dsys.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The docs point at real files: every relative link in the README, docs/ and the modules' READMEs resolves, and
 * every mechanism row of docs/notes-map.md names a class and a test (or says "not built") and has a Demo cell. A
 * renamed class breaks this test instead of leaving the map quietly wrong.
 */
class DocLinksTest {

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    /** Tests run in the module's folder; the repository is its parent. */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void everyRelativeLinkResolves() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path doc : docs()) {
            Matcher m = LINK.matcher(Files.readString(doc));
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*") || target.startsWith("#")) {
                    continue; // http(s):, mailto:, anchors within the page
                }
                Path file = doc.getParent().resolve(target.replaceFirst("#.*$", "")).normalize();
                if (!Files.exists(file)) {
                    broken.add(ROOT.relativize(doc) + " -> " + target);
                }
            }
        }
        assertThat(broken).as("links to files that do not exist").isEmpty();
    }

    @Test
    void everyMechanismInTheNotesMapNamesItsClassAndTest() throws IOException {
        List<String> rows = Files.readAllLines(ROOT.resolve("docs/notes-map.md")).stream()
                .filter(l -> l.startsWith("| ") && !l.startsWith("| §") && !l.startsWith("|---"))
                .toList();
        assertThat(rows).as("mechanism rows in the notes map").hasSizeGreaterThan(30);
        List<String> incomplete = new ArrayList<>();
        List<String> noDemoCell = new ArrayList<>();
        for (String row : rows) {
            String[] cells = row.split("\\|");
            if (cells.length < 7 || cells[6].isBlank()) {
                noDemoCell.add(cells[1].trim() + " " + cells[2].trim()); // § | mechanism | class | test | watch | demo
            }
            String implemented = cells[3].trim();
            String checked = cells[4].trim();
            boolean notBuilt = implemented.startsWith("not built");
            boolean named = LINK.matcher(implemented).find() && LINK.matcher(checked).find();
            if (!notBuilt && !named) {
                incomplete.add(cells[1].trim() + " " + cells[2].trim());
            }
        }
        assertThat(incomplete).as("rows that name no class or no test and do not say 'not built'").isEmpty();
        // Which demos exist is checked where they live: NotesMapDemosTest in the launcher.
        assertThat(noDemoCell).as("rows without a Demo cell (a demo, '—', or the demo that waits for it)").isEmpty();
    }

    private static List<Path> docs() throws IOException {
        List<Path> docs = new ArrayList<>();
        docs.add(ROOT.resolve("README.md"));
        try (Stream<Path> top = Files.list(ROOT); Stream<Path> docDir = Files.list(ROOT.resolve("docs"))) {
            top.map(dir -> dir.resolve("README.md")).filter(Files::exists).forEach(docs::add);
            docDir.filter(p -> p.toString().endsWith(".md")).forEach(docs::add);
        }
        assertThat(docs).as("documents found from %s", ROOT).hasSizeGreaterThan(3);
        return docs;
    }
}

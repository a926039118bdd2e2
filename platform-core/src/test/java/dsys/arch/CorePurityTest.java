package dsys.arch;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** DESIGN principle 1: algorithm cores are plain Java. Nothing under dsys.core may reach for I/O or the wall clock. */
class CorePurityTest {

    private static final Pattern FORBIDDEN = Pattern.compile(
            "import (org\\.springframework|jakarta\\.|org\\.apache\\.kafka|com\\.fasterxml|java\\.net|java\\.nio\\.file|java\\.io\\.File)"
                    + "|System\\.currentTimeMillis|System\\.nanoTime|Instant\\.now|new Thread\\(|Thread\\.sleep");

    @Test
    void corePackagesImportOnlyTheJdkAndEachOther() throws IOException {
        Path root = Path.of("src/main/java/dsys/core");
        List<String> offenders;
        try (Stream<Path> files = Files.walk(root)) {
            offenders = files.filter(p -> p.toString().endsWith(".java")).flatMap(p -> {
                try {
                    return Files.readAllLines(p).stream().filter(l -> FORBIDDEN.matcher(l).find()).map(l -> p + ": " + l.trim());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
        assertThat(offenders).as("dsys.core must stay free of I/O, frameworks and the wall clock").isEmpty();
    }
}

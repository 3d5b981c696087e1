package io.dlock;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The project's documentation (README.md and docs/**.md) holds together: every relative link
 * leads to a file, and every {@code #anchor} to a heading of its page; every Java example is one
 * that a test compiles, runs and checks against its page.
 *
 * <p>It lives in dlock-core because that module is built first and needs no server, so a broken
 * link fails {@code ./mvnw verify} (and {@code -pl dlock-core}) within seconds. Maven runs it in
 * this module's directory, so the project's root is its parent.
 */
class DocumentationTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** {@code [text](target)} and {@code ![alt](target)}, the target up to a space or ')'. */
    private static final Pattern INLINE_LINK =
            Pattern.compile("!?\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");

    /** A reference definition, {@code [label]: target}. */
    private static final Pattern REFERENCE_LINK = Pattern.compile("^\\s{0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s+.*)?$");

    private static final Pattern HEADING = Pattern.compile("^\\s{0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");

    private static final Pattern EXAMPLE =
            Pattern.compile("// README-EXAMPLE-START[^\\n]*\\n(.*?)\\n\\s*// README-EXAMPLE-END", Pattern.DOTALL);

    @Test
    void everyRelativeLinkLeadsToAFileAndEveryAnchorToAHeading() throws IOException {
        List<String> broken = new ArrayList<>();
        Map<Path, Set<String>> anchors = new HashMap<>();
        for (Path page : pages()) {
            for (String target : links(Files.readString(page))) {
                if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                    continue; // https:, mailto: and the like: not ours to check offline
                }
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path resolved =
                        file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                String where = ROOT.relativize(page) + ": (" + target + ")";
                if (!resolved.startsWith(ROOT) || !Files.exists(resolved)) {
                    broken.add(where + " leads to no file");
                } else if (hash >= 0) {
                    String anchor = target.substring(hash + 1);
                    Set<String> headings = anchors.computeIfAbsent(resolved, DocumentationTest::headingSlugs);
                    if (!headings.contains(anchor)) {
                        broken.add(where + " names no heading of " + ROOT.relativize(resolved));
                    }
                }
            }
        }
        assertThat(broken).as("broken links").isEmpty();
    }

    @Test
    void everyJavaExampleIsOneATestRunsAndChecks() throws IOException {
        List<List<String>> examples = markedExamples();
        List<String> unchecked = new ArrayList<>();
        for (Path page : pages()) {
            for (List<String> block : javaBlocks(Files.readString(page))) {
                // A test may add its own checks inside the example, which the page leaves out.
                if (examples.stream().noneMatch(example -> isSubsequence(block, example))) {
                    unchecked.add(ROOT.relativize(page) + ": a java block starting '" + block.get(0) + "'");
                }
            }
        }
        assertThat(unchecked)
                .as("java blocks that no README-EXAMPLE-START/END test runs")
                .isEmpty();
    }

    @Test
    void slugsAreGitHubs() {
        assertThat(slugs(List.of(
                        "The `dlock` command",
                        "Fixed leases, `extend` and `releaseAfter`",
                        "How the Redis tokens survive a data-losing restart",
                        "Faults",
                        "Faults")))
                .containsExactly(
                        "the-dlock-command",
                        "fixed-leases-extend-and-releaseafter",
                        "how-the-redis-tokens-survive-a-data-losing-restart",
                        "faults",
                        "faults-1");
    }

    /** README.md and every Markdown page under docs/. */
    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>();
        pages.add(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
            docs.filter(path -> path.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        assertThat(pages).allMatch(Files::isRegularFile);
        return pages;
    }

    /** The link targets of a page, outside code blocks and code spans. */
    private static List<String> links(String markdown) {
        List<String> targets = new ArrayList<>();
        for (String line : proseLines(markdown)) {
            String prose = line.replaceAll("`[^`]*`", "");
            Matcher inline = INLINE_LINK.matcher(prose);
            while (inline.find()) {
                targets.add(inline.group(1));
            }
            Matcher reference = REFERENCE_LINK.matcher(prose);
            if (reference.matches()) {
                targets.add(reference.group(1));
            }
        }
        return targets;
    }

    /** The anchors GitHub gives the headings of {@code page}. */
    private static Set<String> headingSlugs(Path page) {
        try {
            List<String> headings = new ArrayList<>();
            for (String line : proseLines(Files.readString(page))) {
                Matcher heading = HEADING.matcher(line);
                if (heading.matches()) {
                    headings.add(heading.group(2));
                }
            }
            return new HashSet<>(slugs(headings));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * GitHub's anchors for headings, in order: the text as rendered (a link's text, no markup),
     * lower case, without punctuation but '-' and '_', spaces as '-'; a repeated one gets "-1",
     * "-2", ….
     */
    private static List<String> slugs(List<String> headings) {
        Map<String, Integer> seen = new HashMap<>();
        List<String> slugs = new ArrayList<>();
        for (String heading : headings) {
            String text =
                    heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replaceAll("<[^>]+>", "");
            String slug = text.toLowerCase(Locale.ROOT)
                    .replaceAll("[^\\p{L}\\p{N}\\p{M} _-]", "")
                    .replace(' ', '-');
            int count = seen.merge(slug, 1, Integer::sum);
            slugs.add(count == 1 ? slug : slug + "-" + (count - 1));
        }
        return slugs;
    }

    /** The lines of a page outside fenced code blocks. */
    private static List<String> proseLines(String markdown) {
        List<String> prose = new ArrayList<>();
        boolean inFence = false;
        for (String line : markdown.split("\n", -1)) {
            if (line.strip().startsWith("```")) {
                inFence = !inFence;
            } else if (!inFence) {
                prose.add(line);
            }
        }
        return prose;
    }

    /** The normalized lines of every {@code ```java} block of a page. */
    private static List<List<String>> javaBlocks(String markdown) {
        List<List<String>> blocks = new ArrayList<>();
        List<String> block = null;
        for (String line : markdown.split("\n", -1)) {
            String stripped = line.strip();
            if (block == null && stripped.equals("```java")) {
                block = new ArrayList<>();
            } else if (block != null && stripped.startsWith("```")) {
                blocks.add(block);
                block = null;
            } else if (block != null && !stripped.isEmpty()) {
                block.add(stripped);
            }
        }
        return blocks;
    }

    /** The normalized lines between README-EXAMPLE markers in every Java source of the project. */
    private static List<List<String>> markedExamples() throws IOException {
        List<List<String>> examples = new ArrayList<>();
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path source : files.filter(path -> path.toString().endsWith(".java"))
                    .filter(path -> !ROOT.relativize(path).toString().contains("target/"))
                    .toList()) {
                Matcher example = EXAMPLE.matcher(Files.readString(source));
                while (example.find()) {
                    examples.add(example.group(1)
                            .lines()
                            .map(String::strip)
                            .filter(line -> !line.isEmpty())
                            .toList());
                }
            }
        }
        assertThat(examples).as("examples marked in the sources").isNotEmpty();
        return examples;
    }

    /** Whether every line of {@code shown} appears in {@code example}, in order, from its first line to its last. */
    private static boolean isSubsequence(List<String> shown, List<String> example) {
        if (shown.isEmpty()
                || !shown.get(0).equals(example.get(0))
                || !shown.get(shown.size() - 1).equals(example.get(example.size() - 1))) {
            return false;
        }
        int next = 0;
        for (String line : example) {
            if (next < shown.size() && line.equals(shown.get(next))) {
                next++;
            }
        }
        return next == shown.size();
    }
}

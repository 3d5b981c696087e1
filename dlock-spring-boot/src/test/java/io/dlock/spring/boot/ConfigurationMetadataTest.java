package io.dlock.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every {@code dlock.*} property is in the metadata IDEs read, with its description. */
class ConfigurationMetadataTest {

    @Test
    void everyPropertyIsDescribed() throws IOException {
        String metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("the starter's configuration metadata").isNotNull();
            metadata = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String property : new String[] {
            "dlock.uri",
            "dlock.enabled",
            "dlock.default-lease",
            "dlock.max-retry-delay",
            "dlock.clock-drift.factor",
            "dlock.clock-drift.minimum",
            "dlock.metrics.lock-name-tags"
        }) {
            Matcher entry = Pattern.compile("\"name\": \"" + Pattern.quote(property)
                            + "\",\\s*\"type\": \"[^\"]+\",\\s*" + "\"description\": \"([^\"]+)\"")
                    .matcher(metadata);
            assertThat(entry.find())
                    .as(property + " with a description in " + metadata)
                    .isTrue();
            assertThat(entry.group(1)).as(property + "'s description").hasSizeGreaterThan(20);
        }
    }
}

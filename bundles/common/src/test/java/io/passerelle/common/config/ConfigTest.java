package io.passerelle.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Names, origins and typed values of a configuration as Config Admin delivers it (SPEC §4), defaults from its annotation. */
class ConfigTest {

    private static final String FACTORY = "io.passerelle.route";
    private static final String GENERATED_PID = FACTORY + ".6f1c2a4e-1b7d-4c3e-9a55-0d2f1e3b4c5d";
    private static final String FILE_URL = "file:/x/etc/io.passerelle.route-ws2.cfg";

    private static Config source(Object... keyValues) {
        Map<String, Object> props = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        return Config.of(TestConfig.class, FACTORY, props);
    }

    // --- names

    @Test
    void nameKeyWinsOverEverything() {
        Config c = source("service.pid", FACTORY + "~ws2", "felix.fileinstall.filename", FILE_URL,
                "name", "echo");
        assertEquals("echo", c.name());
    }

    @Test
    void nameFromTheServicePidAlias() {
        assertEquals("ws2", source("service.pid", FACTORY + "~ws2").name());
        assertEquals("my-app.ws", source("service.pid", FACTORY + "~my-app.ws").name());
    }

    @Test
    void nameFromTheFileinstallFilename() {
        Config c = source("service.pid", GENERATED_PID, "felix.fileinstall.filename", FILE_URL);
        assertEquals("ws2", c.name());
        assertEquals("myapp-ws",
                source("service.pid", GENERATED_PID, "felix.fileinstall.filename",
                        "file:/opt/karaf/etc/io.passerelle.route-myapp-ws.cfg").name());
    }

    @Test
    void fileOfAnotherFactoryGivesNoAlias() {
        Config c = source("service.pid", GENERATED_PID, "felix.fileinstall.filename",
                "file:/x/etc/io.passerelle.listener-main.cfg");
        assertEquals(GENERATED_PID, c.name());
    }

    @Test
    void nameFallsBackToThePid() {
        assertEquals(GENERATED_PID, source("service.pid", GENERATED_PID).name());
    }

    @Test
    void emptyNameKeyIsIgnored() {
        assertEquals("ws2", source("service.pid", FACTORY + "~ws2", "name", "  ").name());
    }

    // --- origin

    @Test
    void originIsTheFilePath() {
        Config c = source("service.pid", GENERATED_PID, "felix.fileinstall.filename", FILE_URL);
        assertEquals("/x/etc/io.passerelle.route-ws2.cfg", c.origin());
        assertEquals(GENERATED_PID, source("service.pid", GENERATED_PID).origin());
    }

    @Test
    void errorLineNamesTheFileTheKeyAndTheReason() {
        Config c = source("service.pid", GENERATED_PID, "felix.fileinstall.filename", FILE_URL);
        String line = new ConfigException("timeout", "'x' is not a duration").describe(c.origin());
        assertTrue(line.contains("/x/etc/io.passerelle.route-ws2.cfg"), line);
        assertTrue(line.contains("timeout"), line);
        assertTrue(line.contains("'x' is not a duration"), line);
    }

    // --- values

    @Test
    void frameworkPropertiesAreNotConfigurationValues() {
        Config c = source("service.pid", GENERATED_PID, "service.factoryPid", FACTORY,
                "felix.fileinstall.filename", FILE_URL, "component.id", 12L, "component.name", "x",
                "objectClass", new String[] {"a"}, "path", " /ws2/ ", "order", 5);
        assertEquals(Map.of("path", "/ws2/", "order", "5"), c.values());
        assertEquals("/ws2/", c.string("path"));
    }

    @Test
    void emptyValueIsAbsent() {
        Config c = source("path", "", "url", "  ");
        assertNull(c.string("path"));
        assertNull(c.string("url"));
        assertFalse(c.has("url"));
        assertEquals(60_000, c.duration("missing"), "the default from the annotation");
    }

    @Test
    void durations() {
        Config c = source("a", "500ms", "b", "30s", "c", "5m", "d", "1500", "e", "0", "f", "2h");
        assertEquals(500, c.duration("a"));
        assertEquals(30_000, c.duration("b"));
        assertEquals(300_000, c.duration("c"));
        assertEquals(1500, c.duration("d"));
        assertEquals(0, c.duration("e"));
        assertEquals(7_200_000, c.duration("f"));
        assertEquals(1_000, c.duration("absent"));
    }

    @Test
    void badDurationsAreNamedByKey() {
        for (String bad : new String[] {"5x", "-1s", "1.5s", "30 seconds", "s", "ms", "10sec", "1e3"}) {
            Config c = source("header.timeout", bad);
            ConfigException e = assertThrows(ConfigException.class, () -> c.duration("header.timeout"),
                    bad);
            assertEquals("header.timeout", e.key(), bad);
            assertFalse(e.getMessage().isBlank());
        }
    }

    @Test
    void integersAreBoundedAndNamedByKey() {
        Config c = source("port", "8080", "big", "70000", "word", "eighty", "neg", "-1");
        assertEquals(8080, c.integer("port", 0, 65535));
        assertEquals(7, c.integer("seven", 0, 10));
        assertEquals("big", assertThrows(ConfigException.class, () -> c.integer("big", 0, 65535)).key());
        assertEquals("word", assertThrows(ConfigException.class, () -> c.integer("word", 0, 65535)).key());
        assertEquals("neg", assertThrows(ConfigException.class, () -> c.integer("neg", 0, 65535)).key());
    }

    @Test
    void booleansAreTrueOrFalseOnly() {
        Config c = source("truth", "TRUE", "falsity", "false", "bad", "yes", "given", Boolean.TRUE);
        assertTrue(c.bool("truth"));
        assertFalse(c.bool("falsity"));
        assertTrue(c.bool("given"));
        assertTrue(c.bool("unset"), "the default from the annotation");
        assertEquals("bad", assertThrows(ConfigException.class, () -> c.bool("bad")).key());
    }

    @Test
    void keysFollowTheComponentPropertyTypeNaming() {
        assertEquals("header.timeout", Config.key("header_timeout"));
        assertEquals("with_underscore", Config.key("with__underscore"));
        assertEquals(20_000, source().duration("header.timeout"));
        assertEquals("u", source().string("with_underscore"));
        assertTrue(Config.keys(TestConfig.class).contains("header.timeout"));
    }

    @Test
    void unknownKeysAreRejectedWhereEveryKeyIsKnown() {
        source("port", "1", "order", "3").requireKnownKeys();
        assertEquals("colour", assertThrows(ConfigException.class,
                () -> source("port", "1", "colour", "red").requireKnownKeys()).key());
    }

    @Test
    void aKeyTheAnnotationDoesNotDescribeIsAProgrammingError() {
        assertThrows(IllegalStateException.class, () -> source().string("nowhere"));
    }

    @Test
    void valuesAreNeverPrinted() {
        assertFalse(source("service.pid", GENERATED_PID, "url", "s3cret").toString().contains("s3cret"));
    }

    @Test
    void oneWordingForEveryPid() {
        assertEquals("Invalid configuration f.cfg: key 'order': 'first' is not an integer (the previous configuration, "
                + "if any, stays in force)", new ConfigException("order", "'first' is not an integer").describe("f.cfg"));
    }

    // --- effective configuration: what tells a no-op update from a change (SPEC §8)

    @Test
    void orderFrameworkKeysAndValuesWrittenAsTheirDefaultsChangeNothing() {
        Config first = source("service.pid", FACTORY + "~ws2", "path", "/ws2/", "url", "ws://b:1/");
        Config again = source("url", " ws://b:1/ ", "path", "/ws2/", "service.pid", FACTORY + "~ws2",
                "felix.fileinstall.filename", FILE_URL, "order", "100", "header.timeout", "20s");
        assertEquals(first.effective(), again.effective());
    }

    @Test
    void aChangedValueAnAddedKeyOrAnotherNameIsAChange() {
        Config first = source("service.pid", FACTORY + "~ws2", "path", "/ws2/", "url", "ws://b:1/");
        assertNotEquals(first.effective(),
                source("service.pid", FACTORY + "~ws2", "path", "/ws2/", "url", "ws://b:2/").effective());
        assertNotEquals(first.effective(),
                source("service.pid", FACTORY + "~ws2", "path", "/ws2/", "url", "ws://b:1/", "order", "5").effective());
        assertNotEquals(first.effective(),
                source("service.pid", FACTORY + "~ws2", "path", "/ws2/", "url", "ws://b:1/", "extra", "x").effective());
        assertNotEquals(first.effective(),
                source("service.pid", FACTORY + "~ws3", "path", "/ws2/", "url", "ws://b:1/").effective());
    }
}

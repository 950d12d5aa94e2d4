package dev.berth.tiny.container;

import dev.berth.tiny.ByteSize;
import dev.berth.tiny.TinyException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The device profiles {@code --device} can name: real boards (their flash and on-chip SRAM from the vendors'
 * datasheets), plus the user's own from a YAML file:
 * <pre>
 * devices:
 *   my-board:
 *     flash: 512KiB
 *     ram: 128KiB
 *     description: a custom Cortex-M4 board
 * </pre>
 */
public final class DeviceCatalog {
    private static final List<DeviceProfile> BUILT_IN = List.of(
            new DeviceProfile("nrf52840", "Arduino Nano 33 BLE Sense (nRF52840, Cortex-M4F 64 MHz)", 1024 * 1024, 256 * 1024),
            new DeviceProfile("stm32-nucleo-l4r5zi", "STM32 Nucleo-L4R5ZI (STM32L4R5, Cortex-M4F 120 MHz)", 2 * 1024 * 1024, 640 * 1024),
            new DeviceProfile("esp32-s3", "ESP32-S3-DevKitC-1 N8 (dual Xtensa LX7 240 MHz, 8 MB flash, no PSRAM)", 8 * 1024 * 1024, 512 * 1024),
            new DeviceProfile("rp2040-pico", "Raspberry Pi Pico (RP2040, dual Cortex-M0+ 133 MHz)", 2 * 1024 * 1024, 264 * 1024));

    private final Map<String, DeviceProfile> profiles;

    private DeviceCatalog(Map<String, DeviceProfile> profiles) {
        this.profiles = profiles;
    }

    public static DeviceCatalog builtIn() {
        Map<String, DeviceProfile> map = new LinkedHashMap<>();
        BUILT_IN.forEach(p -> map.put(p.name(), p));
        return new DeviceCatalog(map);
    }

    /** The built-in boards plus the ones in {@code file} (which may redefine a built-in). */
    public static DeviceCatalog withUserFile(Path file) {
        DeviceCatalog catalog = builtIn();
        JsonNode root;
        try {
            root = YAMLMapper.builder().build().readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new TinyException("cannot read device profiles from " + file + ": " + e.getMessage());
        } catch (JacksonException e) {
            throw new TinyException("device profiles file " + file + " is not valid YAML: " + e.getOriginalMessage());
        }
        JsonNode devices = root == null ? null : root.get("devices");
        if (devices == null || !devices.isObject()) {
            throw new TinyException("device profiles file " + file + ": expected a 'devices' mapping of names to {flash, ram}");
        }
        for (Map.Entry<String, JsonNode> e : devices.properties()) {
            String where = "device profile '" + e.getKey() + "' in " + file;
            JsonNode d = e.getValue();
            if (!d.hasNonNull("flash") || !d.hasNonNull("ram")) {
                throw new TinyException(where + ": give both 'flash' and 'ram'");
            }
            long flash;
            long ram;
            try {
                flash = ByteSize.parse(d.get("flash").asString());
                ram = ByteSize.parse(d.get("ram").asString());
            } catch (TinyException ex) {
                throw new TinyException(where + ": " + ex.getMessage());
            }
            if (flash <= 0 || ram <= 0) {
                throw new TinyException(where + ": flash and ram must be more than 0");
            }
            String name = e.getKey().toLowerCase(Locale.ROOT);
            catalog.profiles.put(name, new DeviceProfile(name,
                    d.hasNonNull("description") ? d.get("description").asString() : "user profile", flash, ram));
        }
        return catalog;
    }

    public DeviceProfile get(String name) {
        DeviceProfile p = profiles.get(name.toLowerCase(Locale.ROOT));
        if (p == null) {
            throw new TinyException("unknown device profile '" + name + "' (known: " + String.join(", ", profiles.keySet()) + ")");
        }
        return p;
    }

    public List<DeviceProfile> all() {
        return new ArrayList<>(profiles.values());
    }
}

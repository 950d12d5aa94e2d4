package dev.berth.cli.output;

import dev.berth.oci.json.Json;
import java.io.PrintWriter;

/** {@code --format}: a human table (default) or JSON for scripts. */
public enum OutputFormat {
    TABLE, JSON;

    /** picocli converter: "table" or "json", case-insensitive. */
    public static final class Converter implements picocli.CommandLine.ITypeConverter<OutputFormat> {
        @Override
        public OutputFormat convert(String value) {
            return switch (value.toLowerCase(java.util.Locale.ROOT)) {
                case "table" -> TABLE;
                case "json" -> JSON;
                default -> throw new picocli.CommandLine.TypeConversionException(
                        "unknown format '" + value + "': expected table or json");
            };
        }
    }

    public static void printJson(PrintWriter out, Object value) {
        out.println(Json.pretty(value));
        out.flush();
    }
}

package io.passerelle.common.config;

/** The duration syntax of every PID: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h} or bare milliseconds. */
public final class Durations {

    private Durations() {
    }

    /**
     * @return milliseconds
     * @throws IllegalArgumentException naming what is wrong
     */
    public static long parseMillis(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty duration");
        }
        String s = text.trim();
        long factor = 1;
        String digits = s;
        if (s.endsWith("ms")) {
            digits = s.substring(0, s.length() - 2);
        } else if (s.endsWith("s")) {
            factor = 1000;
            digits = s.substring(0, s.length() - 1);
        } else if (s.endsWith("m")) {
            factor = 60_000;
            digits = s.substring(0, s.length() - 1);
        } else if (s.endsWith("h")) {
            factor = 3_600_000;
            digits = s.substring(0, s.length() - 1);
        }
        digits = digits.trim();
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9') || digits.length() > 12) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (500ms, 30s, 5m or milliseconds)");
        }
        return Long.parseLong(digits) * factor;
    }
}

package dev.ioguard.exporter.deploy;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The series names and Grafana variables a PromQL expression refers to, found lexically: string
 * literals, label matchers, ranges and grouping clauses are blanked out, then every identifier that
 * is not a function call, keyword or number is a series name. It does not check syntax: promtool does
 * (see {@link DashboardsTest}).
 *
 * <p>Stateless; safe from any thread.
 */
final class PromqlNames {
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern BRACES = Pattern.compile("\\{[^{}]*}");
    private static final Pattern BRACKETS = Pattern.compile("\\[[^\\[\\]]*]");
    private static final Pattern GROUPING = Pattern.compile(
            "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^()]*\\)");
    private static final Pattern IDENT = Pattern.compile("(?<![\\w.:$])[a-zA-Z_:][\\w:]*");
    private static final Set<String> KEYWORDS = Set.of(
            "by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool",
            "and", "or", "unless", "atan2", "inf", "nan", "Inf", "NaN", "start", "end");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9_]+)(?::[^}]*)?}|\\$([A-Za-z0-9_]+)|\\[\\[([A-Za-z0-9_]+)(?::[^\\]]*)?]]");

    private PromqlNames() {
    }

    /** Series names selected by {@code expr}, in order of appearance. */
    static Set<String> seriesNames(String expr) {
        String s = STRING.matcher(expr).replaceAll("\"\"");
        s = BRACES.matcher(s).replaceAll("{}");
        s = BRACKETS.matcher(s).replaceAll("[]");
        s = GROUPING.matcher(s).replaceAll(" ");
        Set<String> names = new LinkedHashSet<>();
        Matcher m = IDENT.matcher(s);
        while (m.find()) {
            String word = m.group();
            int next = m.end();
            while (next < s.length() && Character.isWhitespace(s.charAt(next))) {
                next++;
            }
            boolean call = next < s.length() && s.charAt(next) == '(';
            if (!call && !KEYWORDS.contains(word)) {
                names.add(word);
            }
        }
        return names;
    }

    /** Grafana variables ({@code $x}, {@code ${x}}, {@code ${x:fmt}}, {@code [[x]]}) used by {@code text}. */
    static Set<String> variables(String text) {
        Set<String> vars = new LinkedHashSet<>();
        Matcher m = VARIABLE.matcher(text);
        while (m.find()) {
            vars.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
        }
        return vars;
    }

    static Pattern variablePattern() {
        return VARIABLE;
    }
}

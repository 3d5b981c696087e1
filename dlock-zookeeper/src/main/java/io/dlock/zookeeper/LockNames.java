package io.dlock.zookeeper;

/**
 * The mapping from a dlock lock name to one ZooKeeper node name: reversible (so different names
 * never share a node), though nothing here needs to reverse it.
 *
 * <p>ZooKeeper node names cannot contain {@code '/'}, cannot be {@code "."} or {@code ".."}, and
 * cannot hold U+0000–U+001F, U+007F–U+009F, U+D800–U+F8FF (surrogates and private use) or
 * U+FFF0–U+FFFF. Each such character, and the escape character {@code '%'} itself, becomes
 * {@code %XXXX}: four upper-case hex digits of its UTF-16 code unit; the names {@code "."} and
 * {@code ".."} have their dots escaped the same way. Every other character stays as it is, so
 * ordinary names ({@code orders:42}) read the same in ZooKeeper. A 256-character name encodes to
 * at most 1,280 characters.
 */
final class LockNames {

    private LockNames() {}

    /** The node name for {@code name}; different names always give different node names. */
    static String encode(String name) {
        if (name.equals(".") || name.equals("..")) {
            return "%002E".repeat(name.length());
        }
        StringBuilder encoded = new StringBuilder(name.length() + 8);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (needsEscape(c)) {
                encoded.append('%').append(String.format("%04X", (int) c));
            } else {
                encoded.append(c);
            }
        }
        return encoded.toString();
    }

    private static boolean needsEscape(char c) {
        return c == '%'
                || c == '/'
                || c <= 0x1F
                || (c >= 0x7F && c <= 0x9F)
                || (c >= 0xD800 && c <= 0xF8FF)
                || c >= 0xFFF0;
    }
}

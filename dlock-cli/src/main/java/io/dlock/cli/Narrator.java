package io.dlock.cli;

import java.io.PrintWriter;

/** Prints the demo's story: numbered headings, then short indented lines. */
final class Narrator {

    private final PrintWriter out;
    private int section;

    Narrator(PrintWriter out) {
        this.out = out;
    }

    void heading(String title) {
        section++;
        out.println();
        out.println(section + ". " + title);
        out.println("-".repeat(section >= 10 ? title.length() + 4 : title.length() + 3));
        out.flush();
    }

    void say(String format, Object... args) {
        out.println("   " + String.format(format, args));
        out.flush();
    }

    void blank() {
        out.println();
        out.flush();
    }
}

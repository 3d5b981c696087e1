package io.dlock.cli;

import com.google.errorprone.annotations.FormatMethod;
import com.google.errorprone.annotations.FormatString;
import java.io.PrintWriter;
import org.jspecify.annotations.Nullable;

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

    @FormatMethod
    void say(@FormatString String format, @Nullable Object... args) {
        out.println("   " + String.format(format, args));
        out.flush();
    }

    void blank() {
        out.println();
        out.flush();
    }
}

package io.s2mtls.cli.docs;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.IllegalFormatException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every help text is a format string to picocli (a lone {@code %} must be written {@code %%}); one that is not
 * makes {@code --help} print a picocli warning and lose its line breaks. Checks the header, description and footer
 * of every command (the parts picocli formats; option descriptions are printed as written).
 */
class HelpFormatTest {
    @Test
    void everyHelpTextIsAValidFormatString() {
        List<String> broken = new ArrayList<>();
        for (CommandLine command : ReferencePages.commands(ReferencePages.model())) {
            String name = command.getCommandSpec().qualifiedName();
            List<String> texts = new ArrayList<>();
            texts.addAll(List.of(command.getCommandSpec().usageMessage().header()));
            texts.addAll(List.of(command.getCommandSpec().usageMessage().description()));
            texts.addAll(List.of(command.getCommandSpec().usageMessage().footer()));
            for (String text : texts) {
                try {
                    String.format(text.replace("${DEFAULT-VALUE}", "").replace("${COMPLETION-CANDIDATES}", ""));
                } catch (IllegalFormatException e) {
                    broken.add(name + ": " + text.strip() + " (" + e.getMessage() + ")");
                }
            }
        }
        assertEquals(List.of(), broken, "help texts with a lone '%' (write '%%')");
    }
}

package dev.qsim.duplicates;

import com.google.gson.stream.JsonWriter;
import dev.qsim.DuplicateGroup;
import dev.qsim.DuplicatePair;
import java.io.IOException;
import java.io.Writer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.IntToLongFunction;

/**
 * Writes duplicate groups as JSON Lines, one object per group, in the layout of {@code qsim
 * dedupe}: {@code {"group":1,"size":2,"representative":3,"questions":[{"line":3,"text":"..."},
 * {"line":9,"text":"...","similarity":0.91,"score":0.93}],"pairs":[{"a":3,"b":9,"similarity":0.91,
 * "score":0.93}]}}. The CLI and the Spark job both write through it, so their files agree.
 *
 * <p>Stateless and thread-safe.
 */
public final class GroupLines {
  private GroupLines() {}

  /**
   * Writes the groups, numbered from 1 in list order.
   *
   * @param writer where the lines go (not closed)
   * @param groups the groups
   * @param lineOf a question index's line number (or id) in the input
   * @param text a question index's text
   * @throws IOException if writing fails
   */
  public static void write(
      Writer writer,
      List<DuplicateGroup> groups,
      IntToLongFunction lineOf,
      IntFunction<String> text)
      throws IOException {
    int number = 0;
    for (DuplicateGroup group : groups) {
      number++;
      JsonWriter json = new JsonWriter(writer);
      json.setHtmlSafe(false);
      json.beginObject();
      json.name("group").value(number);
      json.name("size").value(group.members().size());
      json.name("representative").value(lineOf.applyAsLong(group.representative()));
      json.name("questions").beginArray();
      // Each member's pair with the representative, found once (not by a scan per member).
      Map<Integer, DuplicatePair> withRepresentative = new HashMap<>();
      for (DuplicatePair pair : group.pairs()) {
        int other = pair.first() == group.representative() ? pair.second() : pair.first();
        withRepresentative.putIfAbsent(other, pair);
      }
      for (int member : group.members()) {
        json.beginObject();
        json.name("line").value(lineOf.applyAsLong(member));
        json.name("text").value(text.apply(member));
        if (member != group.representative()) {
          DuplicatePair pair = withRepresentative.get(member);
          if (pair == null) {
            pair = group.pairOf(member); // throws, naming the member
          }
          json.name("similarity").value(pair.similarity());
          json.name("score").value(pair.score());
        }
        json.endObject();
      }
      json.endArray();
      json.name("pairs").beginArray();
      for (DuplicatePair pair : group.pairs()) {
        json.beginObject();
        json.name("a").value(lineOf.applyAsLong(pair.first()));
        json.name("b").value(lineOf.applyAsLong(pair.second()));
        json.name("similarity").value(pair.similarity());
        json.name("score").value(pair.score());
        json.endObject();
      }
      json.endArray();
      json.endObject();
      json.flush();
      writer.write('\n');
    }
  }
}

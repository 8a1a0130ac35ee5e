package dev.qsim.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordParserTest {

  private static List<RecordParser.Row> parse(String text, char delimiter, boolean quoting)
      throws IOException {
    RecordParser parser = new RecordParser(new StringReader(text), delimiter, quoting);
    List<RecordParser.Row> rows = new ArrayList<>();
    RecordParser.Row row;
    while ((row = parser.next()) != null) {
      rows.add(row);
    }
    return rows;
  }

  @Test
  void quotedFieldsHoldDelimitersDoubledQuotesAndLineBreaks() throws IOException {
    String text = "a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",x,\"\"\nlast,\"cr\r\nlf\",z";
    List<RecordParser.Row> rows = parse(text, ',', true);
    assertThat(rows).hasSize(3);
    assertThat(rows.get(0).fields()).containsExactly("a", "b,c", "say \"hi\"");
    assertThat(rows.get(0).line()).isEqualTo(1);
    assertThat(rows.get(1).fields()).containsExactly("multi\nline", "x", "");
    assertThat(rows.get(1).line()).isEqualTo(2);
    // the quoted line break on line 2 pushes the next record to line 4
    assertThat(rows.get(2).fields()).containsExactly("last", "cr\r\nlf", "z");
    assertThat(rows.get(2).line()).isEqualTo(4);
    assertThat(rows).allSatisfy(r -> assertThat(r.error()).isNull());
  }

  @Test
  void quoteInsideAnUnquotedFieldIsText() throws IOException {
    List<RecordParser.Row> rows = parse("5\" screen,ok\n", ',', true);
    assertThat(rows.get(0).fields()).containsExactly("5\" screen", "ok");
    assertThat(rows.get(0).error()).isNull();
  }

  @Test
  void bomCrLfLoneCrAndBlankLines() throws IOException {
    List<RecordParser.Row> rows = parse("\uFEFFh1\th2\r\n\r\n1\t\"q\"\r2\t3\n\n", '\t', false);
    assertThat(rows).hasSize(3);
    assertThat(rows.get(0).fields()).containsExactly("h1", "h2");
    assertThat(rows.get(1).fields()).containsExactly("1", "\"q\"");
    assertThat(rows.get(1).line()).isEqualTo(3);
    assertThat(rows.get(2).fields()).containsExactly("2", "3");
    assertThat(rows.get(2).line()).isEqualTo(4);
  }

  @Test
  void emptyFieldsAndTrailingDelimiterAreKept() throws IOException {
    List<RecordParser.Row> rows = parse(",a,,\n", ',', true);
    assertThat(rows.get(0).fields()).containsExactly("", "a", "", "");
  }

  @Test
  void unterminatedQuoteIsReportedOnTheLineItOpened() throws IOException {
    List<RecordParser.Row> rows = parse("ok,1\n\"open,2\nmore\nstill\n", ',', true);
    assertThat(rows).hasSize(2);
    assertThat(rows.get(1).line()).isEqualTo(2);
    assertThat(rows.get(1).error()).contains("unterminated quoted field").contains("field 1");
  }

  @Test
  void textAfterAClosingQuoteIsAnError() throws IOException {
    List<RecordParser.Row> rows = parse("a,\"b\"c,d\nnext,1\n", ',', true);
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).error()).contains("'c'").contains("field 2");
    assertThat(rows.get(0).fields()).hasSize(3);
    assertThat(rows.get(1).fields()).containsExactly("next", "1");
    assertThat(rows.get(1).error()).isNull();
  }

  @Test
  void emptyInputHasNoRecords() throws IOException {
    assertThat(parse("", ',', true)).isEmpty();
    assertThat(parse("\uFEFF\r\n\n", ',', true)).isEmpty();
  }
}

package dev.qsim.cli;

import dev.qsim.QsimException;
import dev.qsim.eval.BinaryEvaluation;
import dev.qsim.eval.BinaryMetrics;
import dev.qsim.eval.EvaluationResult;
import dev.qsim.eval.GradedEvaluation;
import dev.qsim.eval.PrecisionRecallPoint;
import dev.qsim.eval.ThresholdMetrics;
import dev.qsim.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.statistics.HistogramDataset;
import org.jfree.data.statistics.HistogramType;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The HTML report of {@code qsim eval --report DIR}: {@code index.html} with the metrics, and
 * beside it {@code precision-recall.png} and {@code histogram.png} rendered with JFreeChart
 * (headless). The page references nothing outside the directory, so it opens offline.
 *
 * <p>Stateless and thread-safe.
 */
final class HtmlReport {
  static final String INDEX = "index.html";
  static final String PR_CURVE = "precision-recall.png";
  static final String HISTOGRAM = "histogram.png";
  private static final int WIDTH = 800;
  private static final int HEIGHT = 520;
  private static final int BINS = 40;
  private static final Color DUPLICATES = new Color(0xD6, 0x27, 0x28);
  private static final Color NON_DUPLICATES = new Color(0x1F, 0x77, 0xB4);

  private HtmlReport() {}

  /** Fails early if the report directory cannot be created or written. */
  static void checkDirectory(Path dir) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new QsimException("Cannot write report to " + dir + ": it is a file");
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new QsimException("Cannot create report directory " + dir + ": " + e, e);
    }
    if (!Files.isWritable(dir)) {
      throw new QsimException("Cannot write report to " + dir + ": directory is not writable");
    }
  }

  /**
   * Writes the report.
   *
   * @return the path of {@code index.html}
   */
  static Path write(Path dir, String title, EvaluationResult result, String decision) {
    checkDirectory(dir);
    StringBuilder body = new StringBuilder();
    if (result instanceof BinaryEvaluation) {
      BinaryEvaluation r = (BinaryEvaluation) result;
      AtomicFiles.writeBytes(dir.resolve(PR_CURVE), "report image", png(precisionRecall(r)));
      AtomicFiles.writeBytes(dir.resolve(HISTOGRAM), "report image", png(histogram(r, decision)));
      binaryBody(body, r, decision);
    } else {
      gradedBody(body, (GradedEvaluation) result);
    }
    String html =
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            + "<title>qsim evaluation</title>\n<style>\n"
            + "body{font-family:sans-serif;max-width:860px;margin:2em auto;color:#222}\n"
            + "table{border-collapse:collapse;margin:1em 0}\n"
            + "td,th{border:1px solid #ccc;padding:4px 10px;text-align:left}\n"
            + "td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
            + ".note{color:#666;font-size:90%}\n</style>\n</head>\n<body>\n"
            + "<h1>qsim evaluation</h1>\n<p>"
            + escape(title)
            + "</p>\n"
            + body
            + "</body>\n</html>\n";
    Path index = dir.resolve(INDEX);
    AtomicFiles.writeText(index, "report", w -> w.write(html));
    return index;
  }

  private static void binaryBody(StringBuilder b, BinaryEvaluation r, String decision) {
    ThresholdMetrics own = r.modelDecision();
    b.append("<h2>The model's own decision</h2>\n<p>")
        .append(capitalized(decision))
        .append(String.format(Locale.ROOT, " &ge; %.4f", r.threshold()))
        .append(" (the model's calibrated threshold) means duplicate.</p>\n<table>\n");
    row(b, "pairs", String.format(Locale.ROOT, "%,d", r.pairs()));
    row(b, "duplicates", String.format(Locale.ROOT, "%,d", r.duplicates()));
    row(b, "accuracy", num(own.accuracy()));
    row(b, "precision", num(own.precision()));
    row(b, "recall", num(own.recall()));
    row(b, "F1", num(own.f1()));
    row(b, "balanced accuracy", num(own.balancedAccuracy()));
    row(b, "average precision", num(r.averagePrecision()));
    row(b, "ROC-AUC", num(r.rocAuc()));
    b.append("</table>\n<h2>Thresholds fitted on this same data</h2>\n")
        .append("<p class=\"note\">Chosen on the evaluated pairs themselves, so optimistic:")
        .append(" for reference, not a measure of the model as shipped.</p>\n<table>\n")
        .append("<tr><th>objective</th><th>value</th><th>threshold</th></tr>\n");
    fitted(b, "best accuracy", r.fittedBestAccuracy().accuracy(), r.fittedBestAccuracy());
    fitted(b, "best F1", r.fittedBestF1().f1(), r.fittedBestF1());
    fitted(b, "best balanced accuracy", r.bestBalancedAccuracy(), r.fittedBestBalancedAccuracy());
    b.append("</table>\n<h2>Precision&ndash;recall curve</h2>\n")
        .append("<img src=\"")
        .append(PR_CURVE)
        .append("\" width=\"")
        .append(WIDTH)
        .append("\" alt=\"Precision-recall curve\">\n")
        .append("<h2>Scores of duplicates and non-duplicates</h2>\n")
        .append("<img src=\"")
        .append(HISTOGRAM)
        .append("\" width=\"")
        .append(WIDTH)
        .append("\" alt=\"Score histograms\">\n");
  }

  private static void gradedBody(StringBuilder b, GradedEvaluation r) {
    b.append("<h2>Correlation with the graded scores</h2>\n<table>\n");
    row(b, "pairs", String.format(Locale.ROOT, "%,d", r.pairs()));
    row(b, "Pearson", num(r.pearson()));
    row(b, "Spearman", num(r.spearman()));
    b.append("</table>\n");
  }

  private static void row(StringBuilder b, String name, String value) {
    b.append("<tr><th>").append(name).append("</th><td class=\"n\">");
    b.append(value).append("</td></tr>\n");
  }

  private static void fitted(StringBuilder b, String name, double value, ThresholdMetrics at) {
    b.append("<tr><td>").append(name).append("</td><td class=\"n\">").append(num(value));
    b.append("</td><td class=\"n\">")
        .append(Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.4f", at.threshold()));
    b.append("</td></tr>\n");
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** Precision against recall, one point per distinct score, and the model's operating point. */
  static JFreeChart precisionRecall(BinaryEvaluation r) {
    XYSeries curve = new XYSeries("precision-recall", false, true);
    List<PrecisionRecallPoint> points = r.scores().precisionRecallCurve();
    // Thousands of points draw the same line as a few hundred: keep at most ~2,000, and the ends.
    int step = Math.max(1, points.size() / 2_000);
    for (int i = 0; i < points.size(); i++) {
      if (i % step == 0 || i == points.size() - 1) {
        curve.add(points.get(i).recall(), points.get(i).precision());
      }
    }
    ThresholdMetrics own = r.modelDecision();
    XYSeries operating =
        new XYSeries(
            String.format(Locale.ROOT, "the model's threshold %.4f", r.threshold()), false, true);
    operating.add(own.recall(), own.precision());
    XYSeriesCollection dataset = new XYSeriesCollection();
    dataset.addSeries(curve);
    dataset.addSeries(operating);

    JFreeChart chart =
        ChartFactory.createXYLineChart(
            String.format(
                Locale.ROOT, "Precision-recall (average precision %.4f)", r.averagePrecision()),
            "Recall",
            "Precision",
            dataset,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    XYPlot plot = whitePlot(chart);
    plot.getDomainAxis().setRange(0, 1.0);
    plot.getRangeAxis().setRange(0, 1.02);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
    renderer.setSeriesLinesVisible(0, true);
    renderer.setSeriesShapesVisible(0, false);
    renderer.setSeriesPaint(0, NON_DUPLICATES);
    renderer.setSeriesStroke(0, new BasicStroke(2f));
    renderer.setSeriesLinesVisible(1, false);
    renderer.setSeriesShapesVisible(1, true);
    renderer.setSeriesPaint(1, DUPLICATES);
    renderer.setSeriesShape(1, new java.awt.geom.Ellipse2D.Double(-5, -5, 10, 10));
    plot.setRenderer(renderer);
    return chart;
  }

  /** Overlaid histograms of the scores of duplicates and of non-duplicates, as shares. */
  static JFreeChart histogram(BinaryEvaluation r, String decision) {
    BinaryMetrics metrics = r.scores();
    double[] scores = metrics.scores();
    boolean[] duplicates = metrics.duplicates();
    int positives = metrics.duplicateCount();
    double[] pos = new double[positives];
    double[] neg = new double[scores.length - positives];
    int pi = 0;
    int ni = 0;
    for (int i = 0; i < scores.length; i++) {
      if (duplicates[i]) {
        pos[pi++] = scores[i];
      } else {
        neg[ni++] = scores[i];
      }
    }
    double lo = Math.min(metrics.minScore(), r.threshold());
    double hi = Math.max(metrics.maxScore(), r.threshold());
    if (!(hi > lo)) {
      hi = lo + 1;
    }
    HistogramDataset dataset = new HistogramDataset();
    dataset.setType(HistogramType.RELATIVE_FREQUENCY);
    if (neg.length > 0) {
      dataset.addSeries(
          String.format(Locale.ROOT, "non-duplicates (%,d)", neg.length), neg, BINS, lo, hi);
    }
    if (pos.length > 0) {
      dataset.addSeries(
          String.format(Locale.ROOT, "duplicates (%,d)", pos.length), pos, BINS, lo, hi);
    }
    JFreeChart chart =
        ChartFactory.createHistogram(
            "Score by label",
            capitalized(decision),
            "Share of the label's pairs",
            dataset,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    XYPlot plot = whitePlot(chart);
    plot.setForegroundAlpha(0.6f);
    XYBarRenderer renderer = (XYBarRenderer) plot.getRenderer();
    renderer.setBarPainter(new StandardXYBarPainter());
    renderer.setShadowVisible(false);
    int series = 0;
    if (neg.length > 0) {
      renderer.setSeriesPaint(series++, NON_DUPLICATES);
    }
    if (pos.length > 0) {
      renderer.setSeriesPaint(series, DUPLICATES);
    }
    ValueMarker marker = new ValueMarker(r.threshold());
    marker.setPaint(Color.BLACK);
    marker.setStroke(
        new BasicStroke(
            1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    marker.setLabel(String.format(Locale.ROOT, "threshold %.4f", r.threshold()));
    marker.setLabelAnchor(RectangleAnchor.TOP_LEFT);
    marker.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
    plot.addDomainMarker(marker);
    return chart;
  }

  /** White chart and plot backgrounds with light grey grid lines; returns the plot. */
  private static XYPlot whitePlot(JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    return plot;
  }

  private static byte[] png(JFreeChart chart) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      ChartUtils.writeChartAsPNG(bytes, chart, WIDTH, HEIGHT);
    } catch (IOException e) {
      throw new QsimException("Cannot render chart '" + chart.getTitle().getText() + "': " + e, e);
    }
    return bytes.toByteArray();
  }

  /** "cascade score ..." -> "Cascade score ...". */
  private static String capitalized(String label) {
    return label.isEmpty() ? label : Character.toUpperCase(label.charAt(0)) + label.substring(1);
  }
}

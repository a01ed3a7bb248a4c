package dev.rosetta.receiver.status;

import java.util.List;

/**
 * Renders a {@link StatusPage} as one HTML document: no script, no external resource (the style
 * is inline), every text HTML-escaped, so a metric name or an error message from a sender shows as
 * the text it is. Cells whose text has several lines keep them ({@code pre-wrap}). Stateless.
 */
public final class StatusHtml {
  private StatusHtml() {}

  private static final String STYLE = """
      body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d232a;background:#f6f7f9}
      header{background:#263445;color:#fff;padding:12px 24px}
      header h1{margin:0;font-size:20px}
      header p{margin:2px 0 0;color:#c7d0da;font-size:12px}
      nav{padding:8px 24px;background:#e7ebf0;font-size:13px}
      nav a{margin-right:14px;color:#1f4f82;text-decoration:none}
      main{padding:0 24px 24px}
      section{background:#fff;border:1px solid #d8dde3;border-radius:6px;margin:16px 0;padding:8px 16px 12px}
      h2{font-size:17px;margin:8px 0}
      dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px;margin:4px 0 10px}
      dt{color:#55606c}
      dd{margin:0;white-space:pre-wrap;word-break:break-word}
      table{border-collapse:collapse;width:100%;margin:6px 0 10px;font-size:13px}
      caption{text-align:left;font-weight:600;padding:4px 0}
      th,td{border-bottom:1px solid #e3e7eb;padding:3px 8px;text-align:left;vertical-align:top}
      th{background:#f0f2f5}
      td{white-space:pre-wrap;word-break:break-word}
      td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
      tr.bad td{background:#fdecec}
      p.more,p.empty{color:#55606c;font-size:12px;margin:2px 0 8px}
      """;

  /** The page as a complete HTML document. */
  public static String render(StatusPage page) {
    StringBuilder sb = new StringBuilder(16 * 1024);
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>").append(escape(page.title())).append("</title><style>").append(STYLE)
        .append("</style></head><body>\n<header><h1>").append(escape(page.title())).append("</h1><p>generated ")
        .append(escape(page.generatedAt())).append("</p></header>\n<nav>");
    for (StatusPage.Section s : page.sections()) {
      sb.append("<a href=\"#").append(escape(s.id())).append("\">").append(escape(s.heading())).append("</a>");
    }
    sb.append("</nav>\n<main>\n");
    for (StatusPage.Section s : page.sections()) {
      section(sb, s);
    }
    return sb.append("</main></body></html>\n").toString();
  }

  private static void section(StringBuilder sb, StatusPage.Section s) {
    sb.append("<section id=\"").append(escape(s.id())).append("\"><h2>").append(escape(s.heading())).append("</h2>\n");
    if (!s.facts().isEmpty()) {
      sb.append("<dl>");
      for (StatusPage.Fact f : s.facts()) {
        sb.append("<dt>").append(escape(f.name())).append("</dt><dd>").append(escape(f.value())).append("</dd>");
      }
      sb.append("</dl>\n");
    }
    for (StatusPage.Table t : s.tables()) {
      table(sb, t);
    }
    sb.append("</section>\n");
  }

  private static void table(StringBuilder sb, StatusPage.Table t) {
    sb.append("<table id=\"").append(escape(t.id())).append("\"><caption>").append(escape(t.caption()))
        .append("</caption><thead><tr>");
    for (String c : t.columns()) {
      sb.append("<th>").append(escape(c)).append("</th>");
    }
    sb.append("</tr></thead><tbody>\n");
    for (List<String> row : t.rows()) {
      boolean bad = row.stream().anyMatch(c -> c.equals("down"));
      sb.append(bad ? "<tr class=\"bad\">" : "<tr>");
      for (String cell : row) {
        sb.append(numeric(cell) ? "<td class=\"n\">" : "<td>").append(escape(cell)).append("</td>");
      }
      sb.append("</tr>\n");
    }
    sb.append("</tbody></table>\n");
    if (t.rows().isEmpty()) {
      sb.append("<p class=\"empty\">").append(escape(t.empty())).append("</p>\n");
    }
    if (t.omitted() > 0) {
      sb.append("<p class=\"more\">and ").append(t.omitted()).append(" more not shown</p>\n");
    }
  }

  private static boolean numeric(String cell) {
    if (cell.isEmpty() || cell.length() > 24) {
      return false;
    }
    for (int i = 0; i < cell.length(); i++) {
      char c = cell.charAt(i);
      if (!(c >= '0' && c <= '9') && c != '.' && c != ',' && c != '-' && c != '%' && c != ' ') {
        return false;
      }
    }
    return true;
  }

  /** The text as HTML character data or attribute value: {@code & < > " '} as references; other control characters but tab and newline as U+FFFD. */
  public static String escape(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String rep = switch (c) {
        case '&' -> "&amp;";
        case '<' -> "&lt;";
        case '>' -> "&gt;";
        case '"' -> "&quot;";
        case '\'' -> "&#39;";
        default -> (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f ? "\uFFFD" : null;
      };
      if (rep != null) {
        if (sb == null) {
          sb = new StringBuilder(s.length() + 16).append(s, 0, i);
        }
        sb.append(rep);
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? s : sb.toString();
  }
}

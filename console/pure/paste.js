// Values pasted from a spreadsheet column, split as the server splits them (newlines, tabs, commas
// and semicolons, full-width too), trimmed, without repeats.

const separators = /[\n\r\t,，;；\u2028]/;

export function pastedValues(text) {
  const seen = new Set();
  const out = [];
  for (const part of (text || '').split(separators)) {
    const v = part.trim();
    if (v && !seen.has(v)) { seen.add(v); out.push(v); }
  }
  return out;
}

/// The rows of one page of a result held whole in the page (a search's matches).
export function pageOf(rows, page, size) {
  const pages = Math.max(1, Math.ceil(rows.length / size));
  const p = Math.min(Math.max(0, page), pages - 1);
  return { rows: rows.slice(p * size, p * size + size), page: p, pages };
}

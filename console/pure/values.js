// Reading and comparing record values. Pure.

/// The value at a dotted path (`approved.employed`), or undefined.
export function at(object, path) {
  return path.split('.').reduce((o, k) => (o === null || o === undefined ? undefined : o[k]), object);
}

/// How a value reads: code labels when the answer carries them, booleans as 是/否, a fraction as a percentage.
export function display(value, { label, format } = {}) {
  if (label !== undefined && label !== null && label !== '') return String(label);
  if (value === undefined || value === null || value === '') return '';
  if (format === 'percent' && typeof value === 'number') return (value * 100).toFixed(2) + '%';
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/// The keys whose student-form value differs from the official one (生源信息's two versions).
export function differences(official = {}, form = {}) {
  const out = new Set();
  for (const [k, v] of Object.entries(form)) {
    if (v === undefined || v === null || v === '') continue;
    if (JSON.stringify(v) !== JSON.stringify(official[k])) out.add(k);
  }
  return out;
}

/// The values changed in a form against the record's: what a save sends.
export function changed(before = {}, after = {}) {
  const out = {};
  for (const [k, v] of Object.entries(after)) {
    const old = before[k] ?? '';
    if (JSON.stringify(v ?? '') !== JSON.stringify(old)) out[k] = v === '' ? null : v;
  }
  return out;
}

/// A form control's text as the field's JSON value.
export function parseInput(text, type) {
  const t = (text ?? '').trim();
  if (t === '') return '';
  if (type === 'number') { const n = Number(t); return Number.isFinite(n) ? n : t; }
  if (type === 'boolean') return t === 'true';
  return t;
}

// A kind's submission rules (the schema's `rules`, from the plugins' SubmissionRule): which fields
// a value makes required, which groups a form shows, what is still missing. The engine checks the
// same rules on submission; these only let the form say so before. Pure.

const empty = (v) => v === undefined || v === null || v === '';

/// Whether the rule applies to these values: always without `when`; else when the deciding field
/// holds one of its codes or a sub-code of one (`50` matches `502`).
export function applies(rule, values) {
  if (!rule.when) return true;
  const v = empty(values[rule.when]) ? '' : String(values[rule.when]);
  return v !== '' && rule.in.some((c) => v === c || (v.length > c.length && v.startsWith(c)));
}

/// The keys required now: the fields declared required and those the applying rules require.
export function requiredNow(kind, values) {
  const out = new Set(kind.fields.filter((f) => f.required).map((f) => f.key));
  for (const r of kind.rules || []) if (applies(r, values)) for (const k of r.require) out.add(k);
  return out;
}

/// How many files the applying rules ask for.
export function materialsNow(kind, values) {
  return Math.max(0, ...(kind.rules || []).filter((r) => applies(r, values)).map((r) => r.materials || 0));
}

/// The groups to show: a group with a field some conditional rule may require is shown only while
/// an applying rule asks for one of its fields or one of them holds a value; every other group always.
export function shownGroups(kind, values) {
  const conditional = new Set((kind.rules || []).filter((r) => r.when).flatMap((r) => r.require));
  const required = requiredNow(kind, values);
  const groups = new Map();
  for (const f of kind.fields) {
    const g = f.group || '';
    const state = groups.get(g) || { conditional: false, wanted: false };
    if (conditional.has(f.key)) state.conditional = true;
    if (required.has(f.key) || (f.type.type !== 'file' && !empty(values[f.key]))) state.wanted = true;
    groups.set(g, state);
  }
  return new Set([...groups].filter(([, s]) => !s.conditional || s.wanted).map(([g]) => g));
}

/// What a submission still lacks: the required keys left empty (in field order) and how many more
/// files are needed. `only` limits the fields to those the user can fill.
export function missing(kind, values, materialCount = 0, only = null) {
  const required = requiredNow(kind, values);
  const fields = kind.fields.filter((f) => f.type.type !== 'file' && required.has(f.key) && empty(values[f.key])
    && (!only || only.has(f.key))).map((f) => f.key);
  return { fields, materials: Math.max(0, materialsNow(kind, values) - materialCount) };
}

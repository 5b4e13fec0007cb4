// A kind's submission rules (schema `rules`, the plugins' SubmissionRule): what a value makes
// required, which groups a form shows, what is missing. The engine checks the same on submission. Pure.

const empty = (v) => v === undefined || v === null || v === '';

/// Whether the rule applies: always without `when`; else when that field holds one of its codes or a sub-code (`50`: `502`).
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

/// The groups to show: one with a field a conditional rule may require only while asked for or
/// holding a value; every other group always.
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

/// What a submission lacks: required keys left empty (in field order), files still needed; `only`: the keys the user fills.
export function missing(kind, values, materialCount = 0, only = null) {
  const required = requiredNow(kind, values);
  const fields = kind.fields.filter((f) => f.type.type !== 'file' && required.has(f.key) && empty(values[f.key])
    && (!only || only.has(f.key))).map((f) => f.key);
  return { fields, materials: Math.max(0, materialsNow(kind, values) - materialCount) };
}

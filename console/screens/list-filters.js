// 设置筛选字段: each review level's status, the state, the org units in scope, and any field
// (the kind's chosen ones first; 添加筛选字段 offers the rest).
import { h, select, dialog } from '../dom.js';

export function filterDialog(ctx, kind, current, apply) {
  const rows = h('div.filter-rows');
  const shown = new Set(kind.filters.filter((k) => kind.fields.some((f) => f.key === k)));
  for (const key of Object.keys(current)) if (kind.fields.some((f) => f.key === key)) shown.add(key);

  const levelStatuses = [['', '不限'], ...(kind.levelStatuses || []).map((s) => [s.status, s.label])];
  for (const stage of kind.stageLabels || []) {
    rows.append(row(`level.${stage.role}`, `${stage.label}审核状态`, select({ id: `filter-level-${stage.role}`, 'data-filter': `level.${stage.role}` }, levelStatuses, current[`level.${stage.role}`])));
  }
  if (kind.workflow) {
    rows.append(row('state', '状态', select({ id: 'filter-state', 'data-filter': 'state' },
      [['', '不限'], ...kind.workflow.states.map((s) => [s.id, s.label]), ...(kind.process === 'review' ? [['rejected:*', '各级退回']] : [])], current.state)));
  }
  for (const [unit, label] of [['college', '院系'], ['major', '专业'], ['class', '班级']]) {
    const units = ctx.org.units.filter((u) => u.kind === unit);
    if (units.length > 1) rows.append(row(unit, label, select({ id: `filter-${unit}`, 'data-filter': unit }, [['', '不限'], ...units.map((u) => [u.id, u.name])], current[unit])));
  }
  for (const key of shown) rows.append(fieldRow(ctx, kind, key, current[key]));

  const others = kind.fields.filter((f) => !shown.has(f.key));
  const adder = select({ id: 'filter-add', 'aria-label': '添加筛选字段' }, [['', '添加筛选字段…'], ...others.map((f) => [f.key, f.label])], '');
  adder.addEventListener('change', () => {
    if (!adder.value) return;
    rows.append(fieldRow(ctx, kind, adder.value, ''));
    adder.selectedOptions[0].remove();
    adder.value = '';
  });

  const d = dialog('filters-dialog', '设置筛选字段', [rows, h('div.field', adder)], [
    h('button#filters-apply', { type: 'button', onclick: () => { d.close(); apply(collect(d, current)); } }, '筛选'),
    h('button#filters-clear.secondary', { type: 'button', onclick: () => { d.close(); apply(current.cohort ? { cohort: current.cohort } : {}); } }, '清除'),
  ]);
}

function row(key, label, control) {
  control.id = control.id || `filter-${key}`;
  return h('div.field', h('label', { for: control.id }, label), control);
}

function fieldRow(ctx, kind, key, value) {
  const field = kind.fields.find((f) => f.key === key);
  const type = field.type.type;
  let control;
  if (type === 'code' && ctx.codeNames[field.type.table]) {
    control = select({ 'data-filter': key }, [['', '不限'], ...[...ctx.codeNames[field.type.table]].map(([c, n]) => [c, c === n ? n : `${c} ${n}`])], value);
  } else if (type === 'boolean') {
    control = select({ 'data-filter': key }, [['', '不限'], ['true', '是'], ['false', '否']], value);
  } else {
    control = h('input', { 'data-filter': key, value: value || '', type: 'text' });
  }
  return row(key, field.label + (field.indexed ? '' : '（逐条比对）'), control);
}

function collect(d, current) {
  const out = current.cohort ? { cohort: current.cohort } : {};
  for (const control of d.querySelectorAll('[data-filter]')) {
    const v = control.value.trim();
    if (v) out[control.dataset.filter] = v;
  }
  return out;
}

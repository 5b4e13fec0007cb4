// A field's form control, from its declared type: code tables as selects (a stored code no longer
// in its table stays selectable, so saving never blanks it), booleans as 是/否, dates and numbers
// as their inputs. Used by the record page and by 批量修改.
import { h, select } from '../dom.js';
import { parseInput } from '../pure/values.js';

export function controlFor(ctx, field, value, { id = 'f-' + field.key, disabled = false, blank = '（未填）' } = {}) {
  const type = field.type.type;
  const v = value === undefined || value === null ? '' : String(value);
  if (type === 'code' && ctx.codeNames[field.type.table]) {
    const entries = [...ctx.codeNames[field.type.table]].map(([c, n]) => [c, c === n ? n : `${c} ${n}`]);
    if (v && !ctx.codeNames[field.type.table].has(v)) entries.unshift([v, `${v}（代码表中已无此项）`]);
    return select({ id, name: field.key, disabled }, [['', blank], ...entries], v);
  }
  if (type === 'boolean') return select({ id, name: field.key, disabled }, [['', blank], ['true', '是'], ['false', '否']], v);
  const inputType = { date: 'date', month: 'month', number: 'number', email: 'email', phone: 'tel' }[type] || 'text';
  return h('input', { id, name: field.key, type: inputType, value: v, disabled, maxlength: field.type.maxLength });
}

/// The control's value as the field's JSON value ('' when empty).
export function readControl(control, field) {
  return parseInput(control.value, field.type.type);
}

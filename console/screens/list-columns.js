// The columns a list may show: the record's own facts (学号, 姓名, 院系 … each level's status)
// and every field of the kind. Keys of the record's facts start with ':'.
import { display } from '../pure/values.js';

export function columnChoices(kind) {
  const own = [
    [':student', '学号'], [':studentName', '姓名'], [':college', '院系'], [':major', '专业'], [':class', '班级'], [':cohort', '届别'],
  ].filter(([key]) => !(key === ':student' && kind.fields.some((f) => f.key === 'studentNumber'))
    && !(key === ':studentName' && kind.fields.some((f) => f.key === 'name')));
  const review = kind.process === 'none' ? [] : [[':state', '状态'], ...(kind.stageLabels || []).map((s) => [':level.' + s.role, s.label + '审核'])];
  return [...own, ...review, [':updated', '更新时间'], ...kind.fields.map((f) => [f.key, f.label])];
}

export function defaultColumns(kind) {
  const first = kind.fields.some((f) => f.key === 'studentNumber') ? [] : [':student'];
  const name = kind.fields.some((f) => f.key === 'name') ? [] : [':studentName'];
  const levels = (kind.stageLabels || []).map((s) => ':level.' + s.role);
  return [...first, ...name, ...kind.columns, ...(levels.length ? levels : kind.process === 'none' ? [] : [':state'])];
}

/// The text of one cell.
export function cell(record, key) {
  if (!key.startsWith(':')) return display(record.values?.[key], { label: record.labels?.[key] });
  const k = key.slice(1);
  if (k === 'state') return record.stateLabel || record.state || '';
  if (k.startsWith('level.')) return record.levels?.[k.slice(6)]?.label || '';
  if (k === 'updated') return (record.updated || '').replace('T', ' ').replace('Z', '');
  return display(record[k]);
}

/// The list route's sort key for a column, or null when it cannot sort by it.
export function sortKey(kind, key) {
  if (key === ':updated') return 'updated';
  if (key === ':student') return 'id';
  return kind.sortable.includes(key) ? key : null;
}

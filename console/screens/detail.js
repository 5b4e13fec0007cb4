// 记录详情: the fields in their groups (registry data greyed and read-only), the student's own
// version beside the official one with differences marked, 一键复制填报, save, the actions the
// engine offers this caller now, the history as a timeline, and the materials.
import { h, fill, select, dialog } from '../dom.js';
import { get, patch, post } from '../api.js';
import { formatHash } from '../pure/route.js';
import { display, differences, changed } from '../pure/values.js';
import { controlFor, readControl } from './controls.js';
import { recordLinks, transitionFields } from './actions.js';
import { extras } from './panel.js';

export async function detail(main, ctx, [kindID, id]) {
  const kind = ctx.kind(kindID);
  if (!kind) throw new Error('没有这个记录类型，或您无权查看');
  main.id = 'detail';
  main.dataset.kind = kind.id;
  main.dataset.id = id;
  const base = `records/${encodeURIComponent(kind.id)}/${encodeURIComponent(id)}`;
  // The record, its history, its materials and its 数据核查 flags (none where the kind has no audit).
  const load = () => Promise.all([
    get(base + '?labels=1'), get(base + '/history').catch(() => ({ history: [] })), get(base + '/materials').catch(() => ({ materials: [] })),
    get(base + '/audit').catch(() => ({ flags: [] })),
  ]).then(([r, h, m, a]) => [r, h.history, m.materials, a.flags || []]);
  draw(...(await load()));

  function draw(record, history, materials, flags) {
    const separate = kind.studentForm === 'separate';
    const editable = new Set(record.editable);
    const settable = new Set(transitionFields(kind, record));
    const diff = separate ? differences(record.values, record.filled) : new Set();
    const controls = new Map();
    const touched = new Set();
    const groups = new Map();
    for (const f of kind.fields) {
      if (f.type.type === 'file') continue;
      const group = f.group || '其他信息';
      if (!groups.has(group)) groups.set(group, []);
      const control = controlFor(ctx, f, record.values[f.key], { disabled: !editable.has(f.key) && !settable.has(f.key) });
      // Only what the user changes is sent: a value the control cannot show is never blanked.
      control.addEventListener('change', () => touched.add(f.key));
      controls.set(f.key, control);
      const registry = f.editableBy === 'nobody' || kind.registry.includes(f.key);
      groups.get(group).push(h('div.field', { 'data-field': f.key, class: [registry ? 'registry' : '', diff.has(f.key) ? 'differs' : ''].join(' ').trim() || null },
        h('label', { for: control.id }, f.label, f.required ? h('span.required', { 'aria-label': '必填' }, ' *') : null),
        control,
        separate ? h('span.student-value', { title: '学生填报' }, record.filled[f.key] === undefined ? '—'
          : display(record.filled[f.key], { label: codeLabel(ctx, f, record.filled[f.key]) })) : null,
        diff.has(f.key) ? h('span.visually-hidden', '（与学生填报不同）') : null));
    }
    const name = record.studentName || record.values.name || record.id;
    const actions = record.actions.map((a) => h('button', {
      type: 'button', 'data-action': a.action, class: a.requiresReason ? 'danger' : null,
      onclick: () => act(a),
    }, a.label));
    fill(main,
      h('p.breadcrumb', h('a', { href: formatHash('list', [kind.id]) }, kind.label), ' › ', name),
      h('div.title-row', h('h1', `${name}（${record.student}）`), h('span#record-state.badge', record.stateLabel || record.state || '')),
      h('p.facts', [record.college, record.major, record.class, record.cohort ? `${record.cohort} 届` : ''].filter(Boolean).join(' · ')),
      levels(kind, record),
      record.rejection ? h('div.notice', { role: 'note' }, `退回原因：${record.rejection.reasonLabel || record.rejection.reason || ''}`,
        record.rejection.note ? `；备注：${record.rejection.note}` : '', `（${record.rejection.by || ''}）`) : null,
      flags.length ? h('div#audit-notice.notice', { role: 'note' }, h('strong', '数据核查提示'),
        h('ul', flags.map((f) => h('li', { 'data-rule': f.rule }, `${f.label}：${f.message}`, seeAlso(f, record))))) : null,
      separate ? h('p.hint', '左为学校核定的信息，右为学生填报的信息；不一致的字段以黄色标出。') : null,
      h('form#record-form', { onsubmit: (e) => e.preventDefault() }, [...groups].map(([group, rows]) =>
        h('fieldset', { 'data-group': group }, h('legend', group), separate ? h('div.field.head', h('span', '字段'), h('span', '学校核定'), h('span', '学生填报')) : null, rows))),
      h('div.actions',
        separate && editable.size && Object.keys(record.filled).length ? h('button#copy-fill.secondary', { type: 'button', onclick: copyFill }, '一键复制填报') : null,
        editable.size ? h('button#save.secondary', { type: 'button', onclick: save }, '保存') : null,
        actions, recordLinks(ctx, kind, record, () => reload('已完成'))),
      h('section.history', { 'aria-labelledby': 'history-title' }, h('h2#history-title', '审核记录'), timeline(history)),
      h('section', { 'aria-labelledby': 'materials-title' }, h('h2#materials-title', '材料'), materialList(base, materials)));
    extras(main, ctx, kind, record);

    function edits() {
      const before = {};
      const after = {};
      for (const key of touched) {
        const control = controls.get(key);
        if (!control || control.disabled) continue;
        before[key] = record.values[key];
        after[key] = readControl(control, kind.fields.find((f) => f.key === key));
      }
      return changed(before, after);
    }
    function copyFill() {
      let n = 0;
      for (const [key, value] of Object.entries(record.filled)) {
        const control = controls.get(key);
        if (control && !control.disabled && value !== null && value !== undefined) { control.value = String(value); touched.add(key); n += 1; }
      }
      ctx.status(`已复制学生填报的 ${n} 项，请核对后保存或审核`);
    }
    async function save() {
      const change = edits();
      if (!Object.keys(change).length) { ctx.status('没有修改'); return; }
      try {
        await patch(base, { values: change });
        await reload('已保存');
      } catch (e) { ctx.error(fieldError(kind, e)); }
    }
    async function act(action) {
      const body = { action: action.action };
      const change = edits();
      if (Object.keys(change).length) body.values = change;
      if (action.requiresReason) return reasonDialog(kind, action, async (reason, note) => run({ ...body, reason, note }));
      await run(body);
    }
    async function run(body) {
      try {
        await post(base + '/review', body);
        await reload('已完成：' + (record.actions.find((a) => a.action === body.action)?.label || body.action));
      } catch (e) { ctx.error(fieldError(kind, e)); }
    }
  }

  async function reload(message) {
    draw(...(await load()));
    ctx.status(message);
  }
}

// The other records a flag names (those the caller may see), by student.
function seeAlso(flag, record) {
  const others = flag.records.filter((r) => r.id !== record.id).map((r) => `${r.student} ${r.studentName}`);
  return others.length ? `；另见 ${others.join('、')}` : '';
}

function codeLabel(ctx, field, value) {
  return field.type.type === 'code' ? ctx.codeNames[field.type.table]?.get(String(value)) : undefined;
}

// The server's message often names the field already (统一社会信用代码：必填): say it once.
function fieldError(kind, e) {
  const label = e.field ? fieldLabel(kind, e.field) : '';
  return label && !e.message.startsWith(label) ? `${label}：${e.message}` : e.message;
}

export function fieldLabel(kind, key) { return kind.fields.find((f) => f.key === key)?.label || key; }

export function levels(kind, record) {
  if (!kind.stageLabels || !record.levels) return null;
  return h('ol.levels', { 'aria-label': '各级审核状态' }, kind.stageLabels.map((s) =>
    h('li', { 'data-status': record.levels[s.role]?.status || '' }, h('span.level', s.label), ' ', record.levels[s.role]?.label || '')));
}

export function timeline(history) {
  if (!history.length) return h('p.muted', '暂无记录');
  return h('ol#history.timeline', history.map((e) => h('li',
    h('time', { datetime: e.time }, e.time.replace('T', ' ').replace('Z', '')),
    h('span.actor', e.actor, e.levelLabel ? `（${e.levelLabel}）` : ''),
    e.actionLabel ? h('span.action', e.actionLabel) : null,
    h('span.move', e.fromLabel && e.from !== e.to ? `${e.fromLabel} → ${e.toLabel}` : e.toLabel),
    e.reasonLabel ? h('span.reason', `原因：${e.reasonLabel}`) : null,
    e.note ? h('span.note', `备注：${e.note}`) : null)));
}

export function materialList(base, materials) {
  if (!materials.length) return h('p.muted', '未上传材料');
  return h('div#materials', materials.map((m) => {
    const url = `/api/v1/${base}/materials/${encodeURIComponent(m.sha256)}`;
    return h('figure',
      m.type.startsWith('image/') ? h('img', { src: url + '?inline=1', alt: m.name, loading: 'lazy' })
        : m.type === 'application/pdf' ? pdfPreview(url, m.name) : h('span.file', m.type),
      h('figcaption', m.name, ' ', h('a.download', { href: url, download: m.name }, '下载')));
  }), materials.length > 1 ? h('a.download.button.secondary', { href: `/api/v1/${base}/materials/archive` }, '全部下载') : null);
}

/// A PDF is shown when asked for (预览), in a frame: the server previews only a PDF that cannot act.
function pdfPreview(url, name) {
  const button = h('button.secondary.file', { type: 'button', onclick: () => button.replaceWith(h('iframe.pdf', { src: url + '?inline=1', title: `预览 ${name}` })) }, '预览 PDF');
  return button;
}

export function reasonDialog(kind, action, done) {
  const reasons = kind.rejectReasons || [];
  const reason = select({ id: 'reason', required: true }, reasons.map((r) => [r.code, r.label]), reasons[0]?.code);
  const note = h('textarea#reason-note', { rows: 3, maxlength: 500 });
  const d = dialog('reason-dialog', action.label, [
    reasons.length ? h('div.field', h('label', { for: 'reason' }, '原因'), reason) : null,
    h('div.field', h('label', { for: 'reason-note' }, reasons.length ? '备注（学生可见）' : '原因'), note)],
  h('button#reason-confirm.danger', { type: 'button', onclick: async () => { d.close(); await done(...(reasons.length ? [reason.value, note.value.trim()] : [note.value.trim(), ''])); } }, '确定' + action.label));
}

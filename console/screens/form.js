// 学生填报: the caller's own record of any kind. Registry data greyed and read-only; the student's
// own form (a separate student form shows `filled`, not the official values); the fields and
// groups the kind's rules ask for the chosen code; 保存, 提交, each level's status, a rejection's
// reason and note; materials uploaded with a progress bar; the history.
// Reuse: route to `#/form/<kind>[/<id>]` (no id: the caller's one-per-student record, or a new
// one), or `await recordForm(main, ctx, [kind, id], query, { intro, extra })`, where intro(record)
// and extra(record) give nodes shown above the form and beside its buttons.
import { h, fill } from '../dom.js';
import { get, post, patch, upload } from '../api.js';
import { formatHash } from '../pure/route.js';
import { changed } from '../pure/values.js';
import { requiredNow, materialsNow, shownGroups, missing } from '../pure/rules.js';
import { controlFor, readControl } from './controls.js';
import { levels, timeline, materialList, reasonDialog, fieldLabel } from './detail.js';

export const formHash = (kind, id) => formatHash('form', id ? [kind, id] : [kind]);
/// A record's rejection while it waits for the fix, else null.
export const rejected = (r) => (r.rejection && String(r.state).startsWith('rejected') ? r.rejection : null);

export async function recordForm(main, ctx, [kindID, given], query, { intro, extra } = {}) {
  const kind = ctx.kind(kindID);
  if (!kind) throw new Error('没有这个记录类型，或您无权查看');
  const enc = encodeURIComponent;
  main.id = 'form';
  main.dataset.kind = kind.id;
  let id = given || (kind.cardinality === 'one-per-student' ? (await get(`records/${enc(kind.id)}?size=20`)).records[0]?.id : null);
  const path = () => `records/${enc(kind.id)}/${enc(id)}`;
  const mine = new Set(kind.editable);   // what this role fills at all; the rest is registry data
  const moves = new Map((kind.workflow?.transitions || []).map((t) => [t.action, t]));
  const fields = kind.fields.some((f) => f.type.type === 'file') || !(kind.rules || []).some((r) => r.materials) ? kind.fields
    : [...kind.fields, { key: 'materials', label: '证明材料', group: '证明材料', type: { type: 'file' } }];
  (await load()).ready();

  async function load() {
    // Not created yet: the first submission is offered already (it saves first).
    const first = [...moves.values()].filter((t) => t.effect === 'submit' && t.from.includes(kind.workflow.initial) && t.roles.some((r) => ctx.me.roles.includes(r)));
    const [record, history, materials] = id ? await Promise.all([get(path() + '?labels=1'), get(path() + '/history'), get(path() + '/materials')])
      : [{ values: {}, filled: {}, editable: kind.canCreate ? kind.editable : [], actions: kind.canCreate ? first : [], stateLabel: '未填写' }, {}, {}];
    main.dataset.id = id || '';
    return draw(record, history.history || [], materials.materials || []);
  }

  function draw(record, history, materials) {
    const editable = new Set(record.editable);
    const separate = kind.studentForm === 'separate';
    const start = {}, controls = new Map(), rows = new Map(), groups = new Map(), touched = new Set();
    for (const f of fields) {
      const g = f.group || '';
      const file = f.type.type === 'file';
      const registry = !file && !mine.has(f.key);
      start[f.key] = separate && mine.has(f.key) ? record.filled[f.key] ?? record.values[f.key] : record.values[f.key];
      // Someone else's field left empty (考生号, 置顶 …) is nothing for the student to check.
      if (registry && !f.required && (start[f.key] ?? '') === '') continue;
      if (!groups.has(g)) groups.set(g, []);
      const parts = file ? uploader(f, editable.has(f.key) || (f.key === 'materials' && editable.size > 0)) : control(f, start[f.key], !editable.has(f.key));
      const input = file ? parts[1] : parts.at(-1);
      if (!file) { controls.set(f.key, input); input.addEventListener('change', () => touched.add(f.key)); }
      input.setAttribute('aria-describedby', `err-${f.key}` + (registry ? ` hint-${groups.size}` : ''));
      const row = h('div.field', { 'data-field': f.key, class: registry ? 'registry' : null },
        h('label', { for: input.id }, f.label, h('span.required', { 'aria-hidden': 'true', hidden: true }, ' *')),
        parts, h('p.field-error', { id: `err-${f.key}`, hidden: true }));
      rows.set(f.key, row);
      groups.get(g).push(row);
    }
    const sets = [...groups].map(([g, list], i) => h('fieldset', { 'data-group': g }, h('legend', g || kind.label),
      list.some((r) => r.classList.contains('registry')) ? h('p.registry-hint', { id: `hint-${i + 1}` }, '灰底信息不能由您修改；如发现有误请反馈就业老师') : null, list));
    const no = rejected(record);
    fill(main,
      h('p.breadcrumb', h('a', { href: '#/home' }, '首页'), ' › ', kind.label),
      h('div.title-row', h('h1', kind.label), kind.process === 'none' ? null : h('span#record-state.badge', { 'data-state': record.state || '' }, record.stateLabel)),
      h('p.facts', [record.studentName || ctx.me.displayName, record.student, record.college, record.major].filter(Boolean).join(' · ')),
      levels(kind, record),
      no ? h('section#rejection.rejection', { 'aria-labelledby': 'rejection-title' },
        h('h2#rejection-title', `${no.levelLabel || ''}审核未通过，请修改后重新提交`),
        h('p', h('strong', '原因：'), no.reasonLabel || no.reason), no.note ? h('p', h('strong', '备注：'), no.note) : null) : null,
      intro?.(record),
      editable.size ? h('p.hint', '带 * 的为必填项。') : null,
      h('form#student-form', { onsubmit: (e) => e.preventDefault(), oninput: refresh, onchange: refresh }, sets),
      h('div.actions',
        editable.size ? h('button#save.secondary', { type: 'button', onclick: () => act() }, '保存') : null,
        record.actions.map((a) => h('button', { type: 'button', 'data-action': a.action, class: a.requiresReason ? 'danger' : null, onclick: () => act(a) },
          separate && a.action === 'submit' ? '提交核验' : a.label)),
        extra?.(record)),
      h('section.history', { 'aria-labelledby': 'history-title' }, h('h2#history-title', '审核记录'), timeline(history)));
    refresh();
    // What the caller does once the form is drawn: a message, or an error to show by its field.
    return { ready: (message, e) => (e ? report(e) : message && (ctx.status(message), scrollTo(0, 0))) };

    function values() {
      return Object.fromEntries(fields.filter((f) => controls.has(f.key)).map((f) => [f.key, readControl(controls.get(f.key), f)]));
    }
    // The rules follow the form as it is filled: required marks and the groups a code asks for.
    function refresh() {
      const v = values(), required = requiredNow(kind, v), files = materialsNow(kind, v) > 0, shown = shownGroups(kind, v);
      for (const s of sets) s.hidden = !shown.has(s.dataset.group);
      for (const [key, row] of rows) {
        const on = editable.size > 0 && (controls.has(key) ? required.has(key) : files);
        row.querySelector('.required').hidden = !on;
        controls.get(key)?.setAttribute('aria-required', String(on));
      }
    }
    function fieldError(key, message) {
      const row = rows.get(key) || (key === 'materials' && main.querySelector('.field:has(input[type=file])'));
      if (!row) return false;
      const err = row.querySelector('.field-error');
      err.textContent = message;
      err.hidden = !message;
      row.classList.toggle('invalid', !!message);
      (controls.get(key) || row.querySelector('input')).setAttribute('aria-invalid', String(!!message));
      return row;
    }
    function report(e) {
      const label = e.field ? fieldLabel(kind, e.field) + '：' : '';
      if (e.field) fieldError(e.field, e.message.replace(label, ''))?.scrollIntoView({ block: 'center' });
      ctx.error(e.message.startsWith(label) ? e.message : label + e.message);
    }

    async function store() {
      const v = values(), change = {}, before = {};
      for (const k of touched) if (!controls.get(k).disabled) { change[k] = v[k]; before[k] = start[k]; }
      const diff = changed(before, change);
      if (!id) {
        id = (await post(`records/${enc(kind.id)}`, { student: ctx.me.id, values: diff })).id;
        window.history.replaceState(null, '', formHash(kind.id, id));   // a reload opens this record, not a new one
        return true;
      }
      if (Object.keys(diff).length) await patch(path(), { values: diff });
      return Object.keys(diff).length > 0;
    }
    // 保存 (no action) or a transition; a submission checks the rules first, then saves and submits.
    async function act(action) {
      for (const key of rows.keys()) fieldError(key, '');
      ctx.error('');
      if (action && moves.get(action.action)?.requiresComplete) {
        const lack = missing(kind, values(), materials.length, editable);
        for (const key of lack.fields) fieldError(key, '必填');
        if (lack.materials) fieldError('materials', `请上传证明材料（至少 ${lack.materials + materials.length} 个文件）`);
        if (lack.fields.length || lack.materials) {
          ctx.error('请先填写：' + [...lack.fields.map((k) => fieldLabel(kind, k)), lack.materials ? '证明材料' : ''].filter(Boolean).join('、'));
          return main.querySelector('.field.invalid input, .field.invalid select')?.focus();
        }
      }
      if (action?.requiresReason) return reasonDialog(kind, action, (reason, note) => run(action, { reason, note }));
      await run(action, {});
    }
    async function run(action, why) {
      const created = !id;
      try {
        const saved = editable.size ? await store() : false;
        if (!action) return (await load()).ready(saved ? '已保存' : '没有修改');
        const submission = ['submit', 'resubmit'].includes(moves.get(action.action)?.effect);
        await post(path() + (submission ? '/submit' : '/review'), submission ? {} : { action: action.action, ...why });
        (await load()).ready(submission ? '已提交，请等待审核' : '已完成：' + action.label);
      } catch (e) {
        // Created just now, then refused: redraw as the record it has become, the error by its field.
        if (created && id) (await load()).ready(null, e); else report(e);
      }
    }

    function uploader(f, enabled) {
      const input = h('input', { id: 'f-' + f.key, type: 'file', accept: 'application/pdf,image/jpeg,image/png', hidden: !enabled, onchange: send });
      const bar = h('progress#upload-progress', { max: 100, value: 0, hidden: true, 'aria-label': '上传进度' });
      const note = h('span#upload-note.muted', { 'aria-live': 'polite' }, enabled ? 'PDF、JPEG 或 PNG 文件' : '');
      const list = h('div.material-list', id ? materialList(path(), materials) : null);
      return [list, input, bar, note];

      async function send() {
        const file = input.files[0], created = !id, limit = ctx.schema.maxUploadBytes;
        if (!file) return;
        input.value = '';
        fieldError(f.key, '');
        if (limit && file.size > limit) return fieldError(f.key, `文件超过上限 ${Math.floor(limit / 1048576)} MB`);
        try {
          if (created) await store();
          Object.assign(bar, { hidden: false, value: 0 });
          note.textContent = `正在上传 ${file.name}…`;
          await upload(`${path()}/materials?name=${enc(file.name)}`, file, (share) => { bar.value = Math.round(share * 100); });
          note.textContent = `已上传 ${file.name}`;
          if (created) return (await load()).ready('已上传');
          materials = (await get(path() + '/materials')).materials;
          fill(list, materialList(path(), materials));
        } catch (e) {
          bar.hidden = true;
          note.textContent = '';
          fieldError(f.key, e.message);   // a refused file is this field's error, whatever the server names
        }
      }
    }
  }

  // The shared control; a long code table gets a filter box, a region code the digit keyboard.
  function control(f, value, disabled) {
    const c = controlFor(ctx, f, value, { disabled, blank: disabled ? '' : '请选择' });
    if (f.type.type === 'region-code') Object.assign(c, { inputMode: 'numeric', maxLength: 6, placeholder: '6 位行政区划代码' });
    if (c.tagName !== 'SELECT' || disabled || c.options.length <= 21) return [c];
    const all = [...c.options];
    const search = h('input.picker-search', { type: 'search', placeholder: '输入代码或名称筛选', 'aria-label': '筛选' + f.label, oninput() {
      const q = search.value.trim(), keep = all.filter((o) => !q || !o.value || o.value === c.value || o.textContent.includes(q));
      c.replaceChildren(...keep);
      const hits = keep.filter((o) => o.value && o.textContent.includes(q));
      if (q && hits.length === 1 && c.value !== hits[0].value) { c.value = hits[0].value; c.dispatchEvent(new Event('change', { bubbles: true })); }
    } });
    return [search, c];
  }
}

export { recordForm as form };

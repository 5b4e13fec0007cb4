// What plugins add to a kind's screens (schema `kinds[].links`): links to their HTML pages and
// buttons posting to their routes (a reason, a file or lines asked first; the answer's message
// and every one of its `problems` shown). And a party's 新建 (an employer inviting a student).
import { h, fill, dialog } from '../dom.js';
import { post } from '../api.js';
import { formatHash } from '../pure/route.js';
import { controlFor, readControl } from './controls.js';

export function recordLinks(ctx, kind, record, done) {
  return kind.links.filter((l) => l.placement === 'record' && (!l.states.length || l.states.includes(record.state))
    && l.conditions.every((c) => c.codes.includes(String(record.values[c.field] ?? ''))))
    .map((l) => control(ctx, l, l.path.replace(':id', encodeURIComponent(record.id)), done));
}

export function listLinks(ctx, kind, done) {
  const first = starts(ctx, kind)[0];
  return [kind.canCreate && kind.party && ctx.me.roles.includes(kind.party.role)
    ? h('a#create-link.button', { href: formatHash('new', [kind.id]) }, first?.label || '新建') : null,
  ...kind.links.filter((l) => l.placement === 'list').map((l) => control(ctx, l, l.path, done))];
}

/// Fields an offered action takes with it (one that hands the record on applies them first).
export function transitionFields(kind, record) {
  return kind.workflow?.transitions.some((t) => t.requiresComplete && t.from.includes(record.state) && record.actions.some((a) => a.action === t.action))
    ? kind.editable.filter((k) => k !== kind.party?.field) : [];
}

const starts = (ctx, kind) => (kind.workflow?.transitions || []).filter((t) => t.from.includes(kind.workflow.initial) && t.roles.some((r) => ctx.me.roles.includes(r)));

function control(ctx, link, path, done) {
  return link.method === 'GET' ? h('a.button.secondary', { href: path, target: '_blank', rel: 'noopener', 'data-link': link.id }, link.label)
    : h('button.secondary', { type: 'button', 'data-link': link.id, onclick: () => ask(ctx, link, path, done) }, link.label);
}

function ask(ctx, link, path, done) {
  const kind = link.input;
  const input = kind === 'file' ? h('input#link-input', { type: 'file', accept: '.csv,.xlsx,.pdf,.jpg,.jpeg,.png' })
    : kind === 'none' ? null : h('textarea#link-input', { rows: kind === 'lines' ? 8 : 3 });
  const result = h('div#link-result', { role: 'status' });
  const go = h('button#link-confirm', { type: 'button', onclick: submit }, '确定');
  const box = dialog('link-dialog', link.label, [input ? h('div.field', h('label', { for: 'link-input' }, { file: '选择文件', reason: '原因', lines: link.inputLabel }[kind]), input)
    : h('p', `确定${link.label}？`), result], go);

  async function submit() {
    const text = input?.value.trim();
    if (input && !text) return input.focus();
    const body = kind === 'file' ? input.files[0] : kind === 'lines' ? { [link.key]: text.split(/[\s,，;；]+/) } : kind === 'reason' ? { reason: text } : {};
    const file = body instanceof Blob;
    go.disabled = true;
    let r;
    try {
      r = await fetch(path, { method: 'POST', credentials: 'same-origin', body: file ? body : JSON.stringify(body),
        headers: { Accept: 'application/json', 'X-CSRF-Token': ctx.me.csrfToken, 'Content-Type': file ? body.type || 'application/octet-stream' : 'application/json' } });
    } catch { r = { ok: false, json: async () => ({ error: { message: '无法连接服务器，请检查网络后重试' } }) }; }
    go.disabled = false;
    const a = await r.json().catch(() => ({}));
    const message = (r.ok ? a.message : a.error?.message) || (r.ok ? '已完成' : `请求失败（${r.status}）`);
    fill(result, h('p', { class: r.ok ? 'done' : 'failed' }, message),
      a.problems?.length ? h('ul#link-problems.problems', { tabindex: '0', 'aria-label': '问题' }, a.problems.map((p) => h('li', p))) : null);
    if (!r.ok) return;
    ctx.status(message);
    if (!a.problems?.length) box.close();
    await done?.();
  }
}

/// 新建 by a party: the student by 学号 and 姓名, the fields it may set, and what it may do at once (发起邀约).
export async function creator(main, ctx, [kindID]) {
  const kind = ctx.kind(kindID);
  if (!kind?.canCreate) throw new Error('没有这个记录类型，或您无权新建');
  main.id = 'create';
  const fields = kind.fields.filter((f) => kind.editable.includes(f.key) && f.key !== kind.party?.field && f.type.type !== 'file');
  const c = new Map(fields.map((f) => [f.key, controlFor(ctx, f, undefined)]));
  const number = h('input#new-student', { autocomplete: 'off' });
  const name = h('input#new-student-name', { autocomplete: 'off' });
  const actions = starts(ctx, kind);
  const title = actions[0]?.label || `新建${kind.label}`;
  const row = (el, label, required) => h('div.field', h('label', { for: el.id }, label, required ? h('span.required', { 'aria-label': '必填' }, ' *') : null), el);
  fill(main, h('p.breadcrumb', h('a', { href: formatHash('list', [kind.id]) }, kind.label), ' › ', title), h('h1', title),
    h('form#record-form', { onsubmit: (e) => e.preventDefault() },
      h('fieldset', h('legend', '学生（学号与姓名须与学校登记的一致）'), row(number, '学号', true), row(name, '姓名', true)),
      h('fieldset', h('legend', kind.label), fields.map((f) => row(c.get(f.key), f.label, f.required)))),
    h('div.actions', (actions.length ? actions : [{ action: '', label: '保存' }]).map((a) =>
      h('button', { type: 'button', 'data-action': a.action, onclick: () => create(a.action) }, a.label))));
  number.focus();

  async function create(action) {
    const values = Object.fromEntries(fields.map((f) => [f.key, readControl(c.get(f.key), f)]).filter(([, v]) => v !== ''));
    try {
      const r = await post(`records/${encodeURIComponent(kind.id)}`, { student: number.value.trim(), studentName: name.value.trim(), values, action: action || undefined });
      ctx.go('record', [kind.id, r.id]);
    } catch (e) {
      const f = fields.find((x) => x.key === e.field);
      ctx.error(e.status === 404 ? '没有找到该学生：请核对学号与姓名' : f ? `${f.label}：${e.message}` : e.message);
    }
  }
}

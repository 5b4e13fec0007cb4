// A queue staff decide on (用人单位注册), all from the schema's `queues`: the rows of a core
// route, a tab per status, a button per decision (a reason asked where one is needed).
import { h, append, fill, dialog } from '../dom.js';
import { get, post } from '../api.js';
import { formatHash } from '../pure/route.js';
import { at, display } from '../pure/values.js';

export async function registrations(main, ctx, [id], query) {
  const q = (ctx.schema.queues || []).find((x) => x.id === id);
  if (!q) throw new Error('没有这个页面，或您无权查看');
  main.id = 'queue';
  const status = query.status || q.statuses[0].value;
  const open = status === q.statuses[0].value;
  const table = h('table#queue-table');
  const api = (path) => path.replace(/^\/api\/v1\//, '');
  append(main, h('h1', q.label), h('nav#views.tabs', { 'aria-label': '状态' }, q.statuses.map((s) =>
    h('a', { href: formatHash('registrations', [q.id], { status: s.value }), 'aria-current': s.value === status ? 'page' : null }, s.label))),
  h('div.table-wrap', { tabindex: '0' }, table));
  await load();

  async function load() {
    const rows = at(await get(`${api(q.path)}?status=${encodeURIComponent(status)}`), q.rows) || [];
    fill(table, h('thead', h('tr', q.columns.map((c) => h('th', { scope: 'col' }, c.label)), open ? h('th', { scope: 'col' }, '操作') : null)),
      h('tbody', rows.map((r) => h('tr', { 'data-key': r[q.key] }, q.columns.map((c) => h('td', cell(at(r, c.path), c.format))),
        open ? h('td.buttons', q.decisions.map((d) => h('button', { type: 'button', class: d.requiresReason ? 'danger' : null, 'data-decision': d.action, onclick: () => act(r, d) }, d.label))) : null)),
      rows.length ? null : h('tr', h('td.empty', { colspan: q.columns.length + 1 }, '没有记录'))));
  }

  async function act(row, d) {
    const send = async (reason) => {
      try {
        await post(api(d.path).replace(':key', encodeURIComponent(row[q.key])), reason ? { reason } : {});
        ctx.status(`已${d.label}：${at(row, q.columns[0].path)}`);
        await load();
      } catch (e) { ctx.error(e.message); }
    };
    if (!d.requiresReason) return send('');
    const reason = h('textarea#decision-reason', { rows: 3, maxlength: 500 });
    const box = dialog('decision-dialog', d.label, h('div.field', h('label', { for: 'decision-reason' }, '原因'), reason),
      h('button#decision-confirm.danger', { type: 'button', onclick: () => { if (!reason.value.trim()) return reason.focus(); box.close(); return send(reason.value.trim()); } }, '确定' + d.label));
  }
}

const cell = (v, format) => (format === 'time' && typeof v === 'number' ? new Date(v * 1000).toLocaleString('zh-CN', { hour12: false }) : display(v));

// A page a plugin adds (e.g. 去向落实率): its route's rows as a table, with the columns the plugin
// declared; a figure may open the rows behind it (the drill-down, a second route), a code shows
// its name, a record id links to its page; or the plugin's own module draws the page. Nothing
// here knows which plugin it is.
import { h, append, fill, select } from '../dom.js';
import { get } from '../api.js';
import { formatHash } from '../pure/route.js';
import { at, display } from '../pure/values.js';
import { runModule } from './module.js';

export async function page(main, ctx, [plugin, id], query) {
  const p = ctx.schema.pages.find((x) => x.plugin === plugin && x.id === id);
  if (!p) throw new Error('没有这个页面，或您无权查看');
  main.id = 'page';
  main.dataset.page = `${plugin}/${id}`;
  if (p.module) return runModule(main, ctx, p, query);
  if (query.drill !== undefined && p.drillDown) return drillDown(main, ctx, p, query);
  const controls = [];
  const q = new URLSearchParams();
  if (p.parameters.includes('cohort')) {
    const c = select({ id: 'page-cohort' }, [['', '全部届别'], ...ctx.org.cohorts.map((y) => [y, `${y} 届`])], query.cohort);
    controls.push(h('label', { for: 'page-cohort' }, '届别'), c);
    if (query.cohort) q.set('cohort', query.cohort);
  }
  if (p.parameters.includes('group')) {
    const g = select({ id: 'page-group' }, [['college', '按院系'], ['major', '按专业']], query.group || 'college');
    controls.push(h('label', { for: 'page-group' }, '分组'), g);
    q.set('group', query.group || 'college');
  }
  for (const c of controls) if (c.tagName === 'SELECT') c.addEventListener('change', () => {
    const next = {};
    for (const s of main.querySelectorAll('.toolbar select')) next[s.id.replace('page-', '')] = s.value;
    ctx.go('page', [plugin, id], next);
  });
  const table = h('table#page-table');
  append(main, h('h1', p.label), p.note ? h('p.hint', p.note) : null, controls.length ? h('div.toolbar', controls) : null, h('div.table-wrap', { tabindex: '0' }, table));
  const answer = await get(p.path.replace(/^\/api\/v1\//, '') + (q.toString() ? '?' + q : ''));
  // A figure's drill-down: the page's choices, the column's own parameters and the row's values.
  const link = (c, r) => {
    if (!c.drill || !p.drillDown || !at(r, c.path)) return null;
    const from = Object.fromEntries(Object.entries(p.drillDown.from).map(([k, path]) => [k, at(r, path)]));
    const title = [text(ctx, p.columns[0], r), ...p.columns.filter((x) => x.table).map((x) => text(ctx, x, r)), c.label].join(' · ');
    return formatHash('page', [plugin, id], { ...Object.fromEntries(q), ...from, ...c.drill, drill: title });
  };
  drawTable(ctx, table, p.columns, at(answer, p.rows) || [], link);
}

async function drillDown(main, ctx, p, query) {
  const d = p.drillDown;
  const { drill, ...params } = query;
  const back = Object.fromEntries(p.parameters.filter((k) => query[k]).map((k) => [k, query[k]]));
  const table = h('table#drill-table');
  append(main,
    h('p.breadcrumb', h('a#drill-back', { href: formatHash('page', [p.plugin, p.id], back) }, p.label), ' › ', drill),
    h('h1', drill || p.label), h('div.table-wrap', { tabindex: '0' }, table));
  const answer = await get(d.path.replace(/^\/api\/v1\//, '') + '?' + new URLSearchParams(params));
  const rows = at(answer, d.rows) || [];
  drawTable(ctx, table, d.columns, rows, () => null);
  const next = d.next ? at(answer, d.next) : null;
  append(main, h('div.pager', h('span', `本页 ${rows.length} 人`),
    next ? h('a#drill-next.button.secondary', { href: formatHash('page', [p.plugin, p.id], { ...query, after: next }) }, '下一页') : null));
}

function drawTable(ctx, table, columns, rows, link) {
  fill(table,
    h('thead', h('tr', columns.map((c) => h(rows.some((r) => typeof at(r, c.path) === 'number') ? 'th.number' : 'th', { scope: 'col' }, c.label)))),
    h('tbody', rows.length ? rows.map((r) => h('tr', columns.map((c, i) => {
      const v = at(r, c.path);
      const href = link(c, r);
      const content = c.record ? (v ? h('a.open', { href: formatHash('record', [c.record, v]) }, `查看${c.label}`) : '—')
        : href ? h('a.drill', { href }, text(ctx, c, r)) : text(ctx, c, r) || '—';
      return i === 0 ? h('th', { scope: 'row' }, content) : h(typeof v === 'number' ? 'td.number' : 'td', content);
    }))) : h('tr', h('td.empty', { colspan: columns.length }, '没有数据'))));
}

/// A value as it reads: a code by its name, a whole percentage with its sign, else as declared.
export function text(ctx, c, row) {
  const v = at(row, c.path);
  if (c.table && v !== null && v !== undefined && v !== '') return ctx.codeNames[c.table]?.get(String(v)) || String(v);
  if (c.format === 'percentage' && typeof v === 'number') return `${v}%`;
  return display(v, { format: c.format });
}

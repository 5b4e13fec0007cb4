// A page a plugin adds (e.g. 去向落实率): its route's rows as a table, with the columns the plugin
// declared. Nothing here knows which plugin it is.
import { h, append, fill, select } from '../dom.js';
import { get } from '../api.js';
import { at, display } from '../pure/values.js';

export async function page(main, ctx, [plugin, id], query) {
  const p = ctx.schema.pages.find((x) => x.plugin === plugin && x.id === id);
  if (!p) throw new Error('没有这个页面，或您无权查看');
  main.id = 'page';
  main.dataset.page = `${plugin}/${id}`;
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
  const rows = at(answer, p.rows) || [];
  fill(table,
    h('thead', h('tr', p.columns.map((c) => h('th', { scope: 'col' }, c.label)))),
    h('tbody', rows.map((r) => h('tr', p.columns.map((c, i) => {
      const text = display(at(r, c.path), { format: c.format });
      return i === 0 ? h('th', { scope: 'row' }, text) : h('td.number', text);
    })))));
}

// 统计: for a cohort, each review level's statuses (or the states) per college or major, from the
// live counters.
import { h, append, fill, select } from '../dom.js';
import { get } from '../api.js';
import { formatHash } from '../pure/route.js';

export async function stats(main, ctx, [kindID], query) {
  const kind = ctx.kind(kindID);
  if (!kind) throw new Error('没有这个记录类型，或您无权查看');
  main.id = 'stats';
  main.dataset.kind = kind.id;
  const dimensions = kind.process === 'none' ? [['total', '记录数']]
    : [...(kind.stageLabels || []).map((s) => [`level.${s.role}`, `${s.label}审核状态`]), ['state', '状态']];
  const cohort = select({ id: 'stats-cohort' }, [['', '全部届别'], ...ctx.org.cohorts.map((c) => [c, `${c} 届`])], query.cohort);
  const group = select({ id: 'stats-group' }, [['college', '按院系'], ['major', '按专业'], ['class', '按班级']], query.group || 'college');
  const by = select({ id: 'stats-by' }, dimensions, query.by || dimensions[0][0]);
  const table = h('table#stats-table');
  for (const control of [cohort, group, by]) control.addEventListener('change', () => ctx.go('stats', [kind.id], { cohort: cohort.value, group: group.value, by: by.value }));
  append(main, 
    h('p.breadcrumb', h('a', { href: formatHash('list', [kind.id]) }, kind.label), ' › 统计'),
    h('h1', `${kind.label}统计`),
    h('div.toolbar', h('label', { for: 'stats-cohort' }, '届别'), cohort, h('label', { for: 'stats-group' }, '分组'), group,
      h('label', { for: 'stats-by' }, '统计'), by),
    h('div.table-wrap', { tabindex: '0' }, table));
  const q = new URLSearchParams({ by: by.value, group: group.value });
  if (cohort.value) q.set('cohort', cohort.value);
  const answer = await get(`stats/${encodeURIComponent(kind.id)}?${q}`);
  const labels = new Map([
    ...(kind.levelStatuses || []).map((s) => [s.status, s.label]),
    ...(kind.workflow?.states || []).map((s) => [s.id, s.label]),
  ]);
  const keys = Object.keys(answer.totals).sort((a, b) => order(labels, a) - order(labels, b));
  const name = { college: '院系', major: '专业', class: '班级' }[group.value];
  fill(table,
    h('caption', `${cohort.value ? cohort.value + ' 届' : '全部届别'} · ${by.selectedOptions[0].textContent}`),
    h('thead', h('tr', h('th', { scope: 'col' }, name), keys.map((k) => h('th', { scope: 'col', 'data-status': k }, labels.get(k) || (k === '' ? '记录数' : k))), h('th', { scope: 'col' }, '合计'))),
    h('tbody', answer.groups.map((g) => h('tr',
      h('th', { scope: 'row' }, g.name), keys.map((k) => h('td.number', String(g.counts[k] || 0))), h('td.number', String(g.total))))),
    h('tfoot', h('tr', h('th', { scope: 'row' }, '合计'), keys.map((k) => h('td.number', String(answer.totals[k] || 0))), h('td.number', String(answer.total)))));
}

function order(labels, key) { const i = [...labels.keys()].indexOf(key); return i < 0 ? 999 : i; }

// 首页: for each kind, what waits at the caller's level, from the live counters; each a link to
// the list filtered to it.
import { h, append } from '../dom.js';
import { get } from '../api.js';
import { formatHash } from '../pure/route.js';

export async function home(main, ctx) {
  const { schema } = ctx;
  main.id = 'home';
  const staff = schema.roles.some((r) => ['counselor', 'college', 'school'].includes(r.role));
  append(main, h('h1', '首页'), h('p.lead', `${ctx.me.displayName}，您好。以下为您权限范围内待处理的事项（实时统计）。`));
  const grid = h('div.cards');
  append(main, grid);
  const counts = await Promise.all(schema.kinds.map((k) =>
    staff ? get(`stats/${encodeURIComponent(k.id)}?by=${k.process === 'none' ? 'total' : 'state'}&group=none`).catch(() => null) : null));
  schema.kinds.forEach((kind, i) => grid.append(card(kind, counts[i], staff)));
}

function card(kind, stats, staff) {
  const states = new Map((kind.workflow?.states || []).map((s) => [s.id, s.label]));
  const totals = stats?.totals || {};
  const waiting = kind.waiting.map((state) =>
    h('li', h('a.waiting', { href: formatHash('list', [kind.id], { state }), 'data-state': state },
      h('span.count', String(totals[state] || 0)), ' ', states.get(state) || state)));
  const rejected = Object.entries(totals).filter(([s]) => s.startsWith('rejected')).reduce((n, [, c]) => n + c, 0);
  return h('section.kind-card', { 'data-kind': kind.id, 'aria-labelledby': `card-${kind.id}` },
    h('h2', { id: `card-${kind.id}` }, h('a', { href: formatHash('list', [kind.id]) }, kind.label)),
    stats ? h('p.total', `共 ${stats.total} 条`) : null,
    waiting.length ? h('ul.waiting-list', waiting) : staff ? h('p.muted', '没有待您审核的记录') : h('p', h('a', { href: formatHash('list', [kind.id]) }, `查看我的${kind.label}`)),
    rejected ? h('p', h('a', { href: formatHash('list', [kind.id], { state: 'rejected:*' }) }, `已退回待修改 ${rejected} 条`)) : null);
}

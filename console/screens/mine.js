// 首页 for a student: every kind the schema gives the student, with each of their records and its
// status (and a rejection's reason); a kind held once per student opens straight to their record.
import { h, fill } from '../dom.js';
import { get } from '../api.js';
import { formatHash } from '../pure/route.js';
import { formHash, rejected as no } from './form.js';

export async function mine(main, ctx) {
  main.id = 'mine';
  const kinds = ctx.schema.kinds;
  const lists = await Promise.all(kinds.map((k) => get(`records/${encodeURIComponent(k.id)}?size=50`).catch(() => ({ records: [] }))));
  fill(main,
    h('h1', '首页'),
    h('p.lead', `${ctx.me.displayName}同学，您好。请按顺序完成以下事项，被退回的请按原因修改后重新提交。`),
    h('div.cards', kinds.map((k, i) => card(k, lists[i].records))));
}

function card(kind, records) {
  const one = kind.cardinality === 'one-per-student';
  // A record's name in the list: its first text value (协议书编号, 简历名称 …), else its id.
  const title = (r) => kind.fields.map((f) => r.values?.[f.key]).find((v) => typeof v === 'string' && v) || r.id;
  return h('section.kind-card', { 'data-kind': kind.id, 'aria-labelledby': `card-${kind.id}` },
    h('h2', { id: `card-${kind.id}` }, one ? h('a', { href: formHash(kind.id) }, kind.label) : kind.label),
    records.length ? h('ul.my-records', records.map((r) => h('li', { 'data-id': r.id },
      // One of many (an agreement, an application) opens on its record page, with its actions.
      h('a', { href: one ? formHash(kind.id, r.id) : formatHash('record', [kind.id, r.id]) }, !one ? title(r) : no(r) ? '去修改' : r.state === kind.workflow?.initial ? '继续填写' : '查看'),
      h('span.badge', { 'data-state': r.state }, r.stateLabel || r.state),
      no(r) ? h('p.rejected', `退回原因：${no(r).reasonLabel || no(r).reason}${no(r).note ? '；' + no(r).note : ''}`) : null)))
      : h('p.muted', kind.canCreate ? '尚未填写' : '暂无'),
    kind.canCreate && (!one || !records.length) ? h('a.button', { href: formHash(kind.id), 'data-new': kind.id }, one ? '开始填写' : '新建') : null);
}

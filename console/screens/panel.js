// What plugins add to a record's page: panels drawn from a route of theirs (the values at the
// declared paths, a history as a timeline), and 删除 where the kind lets these staff delete.
import { h, append, dialog } from '../dom.js';
import { api, get } from '../api.js';
import { formatHash } from '../pure/route.js';
import { at } from '../pure/values.js';
import { text } from './page.js';
import { timeline } from './detail.js';

export async function extras(main, ctx, kind, record) {
  if (kind.deletable) main.querySelector('.actions')?.append(h('button#delete-record.danger', { type: 'button', onclick: () => remove(ctx, kind, record) }, '删除'));
  for (const p of kind.panels || []) {
    const answer = await get(p.path.replace(/^\/api\/v1\//, '').replace(':id', encodeURIComponent(record.id))).catch((e) => { ctx.error(e.message); return null; });
    if (!answer) continue;
    const facts = p.columns.filter((c) => c.format !== 'history');
    main.querySelector('section.history')?.before(h('section.panel', { 'data-panel': `${p.plugin}/${p.id}`, 'aria-labelledby': `panel-${p.id}` },
      h('h2', { id: `panel-${p.id}` }, p.label),
      facts.length ? h('dl.facts-list', facts.map((c) => [h('dt', c.label), h('dd', c.record && at(answer, c.path)
        ? h('a', { href: formatHash('record', [c.record, at(answer, c.path)]) }, '查看') : text(ctx, c, answer) || '—')])) : null,
      p.columns.filter((c) => c.format === 'history').map((c) => [h('h3', c.label), unnamed(timeline(at(answer, c.path) || []))])));
  }
}

/// The record's own timeline is #history; a panel's is another list.
function unnamed(el) { el.removeAttribute('id'); return el; }

function remove(ctx, kind, record) {
  const d = dialog('delete-dialog', `删除${kind.label}`, h('p', `确定删除这条${kind.label}（${record.studentName || record.student}）吗？删除后不能恢复。`),
    h('button#delete-confirm.danger', { type: 'button', onclick: async () => {
      d.close();
      try {
        await api('DELETE', `records/${encodeURIComponent(kind.id)}/${encodeURIComponent(record.id)}`);
        ctx.go('list', [kind.id]);
        ctx.status('已删除');
      } catch (e) { ctx.error(e.message); }
    } }, '确定删除'));
}

// 记录列表: cohort switch, saved views, 显示列, 设置筛选字段, 20/50/100/200 a page, a pasted
// search of up to 2000 names or numbers, sorting, selection (a page, or everything the filter
// matches) and the batch bar. Everything that decides what is listed lives in the address, so a
// list can be bookmarked and the back button works.
import { h, append, fill, select, dialog } from '../dom.js';
import { get, post } from '../api.js';
import { formatHash, listQuery } from '../pure/route.js';
import { pageOf } from '../pure/paste.js';
import { loadColumns, saveColumns } from '../pure/prefs.js';
import { columnChoices, defaultColumns, cell, sortKey } from './list-columns.js';
import { filterDialog } from './list-filters.js';
import { batchDialog } from './list-batch.js';
import { materialList } from './detail.js';
import { listLinks } from './actions.js';

const reserved = new Set(['size', 'sort', 'view']);

export async function list(main, ctx, [kindID], query) {
  const kind = ctx.kind(kindID);
  // Kinds whose submissions carry files get a 材料 button per row.
  const takesFiles = kind && ((kind.rules || []).some((r) => r.materials) || kind.fields.some((f) => f.type.type === 'file'));
  if (!kind) throw new Error('没有这个记录类型，或您无权查看');
  const choices = columnChoices(kind);
  const labels = new Map(choices);
  const filters = Object.fromEntries(Object.entries(query).filter(([k]) => !reserved.has(k)));
  const s = {
    size: Number(query.size) || 20, sort: query.sort || '', view: query.view || '',
    cursors: [''], page: 0, next: null, rows: [], search: null, selected: new Set(), names: new Map(),
    columns: loadColumns(localStorage, ctx.me.id, kind.id, choices.map(([k]) => k), defaultColumns(kind)),
  };
  const reopen = (change) => ctx.go('list', [kind.id], { ...filters, size: s.size, sort: s.sort, view: s.view, ...change });

  main.id = 'list';
  main.dataset.kind = kind.id;
  const table = h('table#records', { 'aria-describedby': 'page-info' });
  const pageInfo = h('span#page-info', { 'aria-live': 'polite' });
  const prev = h('button#prev-page.secondary', { type: 'button', onclick: () => turn(-1) }, '上一页');
  const next = h('button#next-page.secondary', { type: 'button', onclick: () => turn(1) }, '下一页');
  const selectAll = h('button#select-all-matching.link', { type: 'button', hidden: true, onclick: selectEverything }, '');
  const selection = h('span#selection-count', '');
  const paste = h('textarea#paste', { rows: 3, placeholder: '从 Excel 复制一列学号或姓名粘贴到这里，最多 2000 个' });
  const unmatched = h('ul#unmatched', { tabindex: '0', 'aria-label': '未找到的学号或姓名' });
  const views = [['', '全部'], ...kind.views.map((v) => [v.id, v.label])];

  append(main, 
    h('div.title-row', h('h1', kind.label),
      h('div.title-links', listLinks(ctx, kind, () => load()),
        kind.exportPresets.length ? h('a#export-link.button.secondary', { href: formatHash('export', [kind.id], filters) }, '导出') : null,
        kind.exportPresets.length ? h('a#stats-link.button.secondary', { href: formatHash('stats', [kind.id], { cohort: filters.cohort }) }, '统计') : null)),
    views.length > 1 ? h('nav#views.tabs', { 'aria-label': '视图' }, views.map(([id, label]) =>
      h('a', { href: formatHash('list', [kind.id], { ...(id ? {} : filters), view: id, size: s.size }), 'data-view': id, 'aria-current': id === s.view ? 'page' : null }, label))) : null,
    h('div.toolbar',
      h('label', { for: 'cohort' }, '届别'),
      select({ id: 'cohort', onchange: (e) => reopen({ cohort: e.target.value }) },
        [['', '全部届别'], ...ctx.org.cohorts.map((c) => [c, `${c} 届`])], filters.cohort),
      h('button#columns-button.secondary', { type: 'button', onclick: chooseColumns }, '显示列'),
      h('button#filters-button.secondary', { type: 'button', onclick: () => filterDialog(ctx, kind, filters, (f) => ctx.go('list', [kind.id], { ...f, size: s.size, sort: s.sort, view: s.view })) },
        '设置筛选字段', activeFilters(filters) ? `（${activeFilters(filters)}）` : ''),
      h('label', { for: 'page-size' }, '每页'),
      select({ id: 'page-size', onchange: (e) => reopen({ size: e.target.value }) }, ctx.schema.pageSizes.map((n) => [n, `${n} 条`]), s.size)),
    h('details.search', { open: false },
      h('summary', '批量查询（按学号或姓名）'),
      h('p.hint', '在权限范围内按学号或姓名查找，不受上方筛选条件限制。'),
      h('label.visually-hidden', { for: 'paste' }, '学号或姓名，每行一个'), paste,
      h('div.buttons',
        h('button#paste-search', { type: 'button', onclick: search }, '查询'),
        h('button#paste-clear.secondary', { type: 'button', onclick: clearSearch }, '清除查询')),
      unmatched),
    kind.batchActions.length ? h('div#batch-bar', { role: 'toolbar', 'aria-label': '批量操作' }, selection,
      kind.batchActions.map((a) => h('button.secondary', { type: 'button', 'data-batch': a.action, onclick: () => runBatch(a) }, a.label))) : null,
    selectAll,
    h('div.table-wrap', { tabindex: '0' }, table),
    h('div.pager', prev, pageInfo, next));

  await load();

  async function load() {
    const started = performance.now();
    if (s.search) {
      const { rows, page, pages } = pageOf(s.search.records, s.page, s.size);
      s.rows = rows;
      draw();
      pageInfo.textContent = `查询结果 ${s.search.records.length} 条 · 第 ${page + 1}/${pages} 页`;
      prev.disabled = page === 0;
      next.disabled = page >= pages - 1;
    } else {
      const answer = await get(`records/${encodeURIComponent(kind.id)}?` + listQuery({
        filters, sort: s.sort, size: s.size, after: s.cursors[s.page], view: s.view, fields: fieldColumns(),
      }));
      s.rows = answer.records;
      s.next = answer.next;
      draw();
      pageInfo.textContent = `第 ${s.page + 1} 页 · 本页 ${s.rows.length} 条`;
      prev.disabled = s.page === 0;
      next.disabled = !s.next;
    }
    const ms = performance.now() - started;
    main.dataset.drawMs = ms.toFixed(1);
    performance.mark('jiuye:list-drawn');
  }

  function fieldColumns() { return s.columns.filter((k) => !k.startsWith(':')); }

  function draw() {
    const pageBox = h('input#select-page', { type: 'checkbox', 'aria-label': '选择本页全部', onchange: (e) => selectPage(e.target.checked) });
    const head = h('tr', h('th.select', { scope: 'col' }, pageBox), s.columns.map((key) => {
      const by = sortKey(kind, key);
      if (!by) return h('th', { scope: 'col', 'data-column': key }, labels.get(key) || key);
      const dir = s.sort === by ? 'ascending' : s.sort === '-' + by ? 'descending' : null;
      return h('th', { scope: 'col', 'data-column': key, 'aria-sort': dir || 'none' },
        h('button.sort', { type: 'button', onclick: () => reopen({ sort: s.sort === by ? '-' + by : by }) }, labels.get(key) || key,
          dir === 'ascending' ? ' ▲' : dir === 'descending' ? ' ▼' : ''));
    }), h('th', { scope: 'col' }, '操作'));
    const body = document.createElement('tbody');
    const frag = document.createDocumentFragment();
    for (const r of s.rows) {
      const name = r.studentName || r.values?.name || r.id;
      s.names.set(r.id, name);
      frag.append(h('tr', { 'data-id': r.id },
        h('td.select', h('input.select-row', { type: 'checkbox', checked: s.selected.has(r.id), 'aria-label': `选择 ${name}`, onchange: (e) => toggle(r.id, e.target.checked) })),
        s.columns.map((key) => h('td', cell(r, key))),
        h('td', h('a.open', { href: formatHash('record', [kind.id, r.id]) }, '查看'),
          takesFiles ? h('button.secondary.materials', { type: 'button', onclick: () => showMaterials(kind, r.id, name).catch((e) => ctx.error(e.message)) }, '材料') : null)));
    }
    body.append(frag);
    fill(table, h('caption.visually-hidden', `${kind.label}列表`), h('thead', head), s.rows.length ? body
      : h('tbody', h('tr', h('td.empty', { colspan: s.columns.length + 2 }, '没有符合条件的记录'))));
    pageBox.checked = s.rows.length > 0 && s.rows.every((r) => s.selected.has(r.id));
    counted();
  }

  function toggle(id, on) { if (on) s.selected.add(id); else s.selected.delete(id); counted(); }

  function selectPage(on) {
    for (const r of s.rows) toggle(r.id, on);
    for (const box of table.querySelectorAll('input.select-row')) box.checked = on;
    selectAll.hidden = !on || s.search !== null || (!s.next && s.page === 0);
    selectAll.textContent = '选择全部符合条件的记录';
  }

  function counted() { selection.textContent = s.selected.size ? `已选 ${s.selected.size} 条` : '未选择记录'; }

  async function selectEverything() {
    // Every id the filter matches, a page of 200 at a time (a batch takes at most 20 000).
    let after = '';
    const firstField = kind.fields[0]?.key;
    const limit = 20000;
    do {
      const answer = await get(`records/${encodeURIComponent(kind.id)}?` + listQuery({ filters, view: s.view, size: 200, after, fields: firstField ? [firstField] : [] }));
      for (const r of answer.records) { if (s.selected.size >= limit) break; s.selected.add(r.id); }
      after = answer.next;
    } while (after && s.selected.size < limit);
    selectAll.hidden = true;
    counted();
    ctx.status(after ? `已选择前 ${limit} 条（一次批量操作最多 ${limit} 条），请缩小筛选范围后分批处理`
      : `已选择全部符合条件的 ${s.selected.size} 条记录`);
  }

  async function turn(step) {
    if (s.search) { s.page += step; return load(); }
    if (step > 0 && s.next) { s.cursors[s.page + 1] = s.next; s.page += 1; }
    if (step < 0 && s.page > 0) s.page -= 1;
    await load();
  }

  async function search() {
    ctx.error('');
    fill(unmatched);
    try {
      const answer = await post(`records/${encodeURIComponent(kind.id)}/search`, { query: paste.value, fields: fieldColumns(), labels: true });
      s.search = answer;
      s.page = 0;
      if (answer.unmatched.length) {
        fill(unmatched, h('li.head', `未找到 ${answer.unmatched.length} 个：`), answer.unmatched.map((v) => h('li', v)));
      }
      ctx.status(`找到 ${answer.records.length} 条记录`);
      await load();
    } catch (e) {
      ctx.error(e.message);
    }
  }

  async function clearSearch() {
    paste.value = '';
    fill(unmatched);
    s.search = null;
    s.page = 0;
    await load();
  }

  function chooseColumns() {
    const boxes = choices.map(([key, label]) => h('label.check', h('input', { type: 'checkbox', name: 'column', value: key, checked: s.columns.includes(key) }), label));
    const d = dialog('columns-dialog', '显示列', h('div.columns-grid', boxes), h('button#columns-save', {
      type: 'button',
      onclick: async () => {
        const chosen = [...d.querySelectorAll('input[name=column]:checked')].map((b) => b.value);
        s.columns = chosen.length ? chosen : defaultColumns(kind);
        saveColumns(localStorage, ctx.me.id, kind.id, s.columns);
        d.close();
        // A search's rows hold only the fields asked for then: ask again with the new columns.
        if (s.search) await search(); else await load();
      },
    }, '确定'));
  }

  function runBatch(action) {
    if (!s.selected.size) { ctx.error('请先选择记录'); return; }
    batchDialog(ctx, kind, action, [...s.selected], s.names, async () => { await load(); });
  }
}

function activeFilters(filters) { return Object.values(filters).filter((v) => v !== '' && v !== undefined).length; }

/// 材料 in a row (the manual's 解约材料): the record's files previewed in a dialog, without leaving the list.
async function showMaterials(kind, id, name) {
  const base = `records/${encodeURIComponent(kind.id)}/${encodeURIComponent(id)}`;
  const { materials } = await get(base + '/materials');
  dialog('materials-dialog', `${name} 的材料`, materialList(base, materials));
}

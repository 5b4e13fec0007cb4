// 导出: a preset (国家库 or 学校) or chosen fields, CSV or XLSX, over the list's filters; runs as a
// job with a progress bar, then the file downloads.
import { h, append, fill, select } from '../dom.js';
import { get, post, api } from '../api.js';
import { formatHash } from '../pure/route.js';

export async function exporter(main, ctx, [kindID], query) {
  const kind = ctx.kind(kindID);
  if (!kind) throw new Error('没有这个记录类型，或您无权查看');
  main.id = 'export';
  main.dataset.kind = kind.id;
  const presets = kind.exportPresets.map((p, i) => h('label.check', h('input', { type: 'radio', name: 'preset', value: p.id, checked: i === 0 }), p.label));
  const fields = kind.fields.filter((f) => f.type.type !== 'file').map((f) => h('label.check', h('input', { type: 'checkbox', name: 'field', value: f.key }), f.label));
  const format = select({ id: 'export-format' }, [['xlsx', 'Excel（XLSX）'], ['csv', 'CSV']], 'xlsx');
  const progress = h('progress#export-progress', { max: 100, value: 0, hidden: true, 'aria-label': '导出进度' });
  const result = h('p#export-result', { role: 'status' });
  // What the list showed is what is exported: its filters go as they are (GET /records takes the same).
  const filters = Object.fromEntries(Object.entries(query).filter(([k, v]) => v && k !== 'size' && k !== 'sort'));
  const described = Object.keys(filters).length ? describe(kind, filters) : '';
  append(main, 
    h('p.breadcrumb', h('a', { href: formatHash('list', [kind.id], query) }, kind.label), ' › 导出'),
    h('h1', `导出${kind.label}`),
    h('p', described ? `按列表的筛选条件导出：${described}。` : '导出权限范围内的全部记录。', '代码字段导出为名称（国家库预设导出代码）。'),
    h('fieldset', h('legend', '预设'), presets),
    h('fieldset', h('legend', '或选择字段（选择后以所选字段为准）'), h('div.columns-grid', fields)),
    h('div.field', h('label', { for: 'export-format' }, '格式'), format),
    h('div.actions', h('button#export-start', { type: 'button', onclick: start }, '导出')),
    progress, result);

  async function start() {
    const chosen = [...main.querySelectorAll('input[name=field]:checked')].map((b) => b.value);
    const body = { format: format.value };
    if (chosen.length) body.fields = chosen; else body.preset = main.querySelector('input[name=preset]:checked')?.value;
    if (Object.keys(filters).length) body.filters = filters;
    const button = main.querySelector('#export-start');
    button.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    result.textContent = '正在导出…';
    try {
      let job = await post(`records/${encodeURIComponent(kind.id)}/export`, body);
      while (job.state !== 'done' && job.state !== 'failed') {
        await new Promise((r) => setTimeout(r, 300));
        job = await get(`jobs/${encodeURIComponent(job.id)}`);
        progress.value = job.total ? Math.round((job.done / job.total) * 100) : 0;
      }
      if (job.state === 'failed') throw new Error(job.error || '导出失败');
      progress.value = 100;
      const response = await api('GET', `jobs/${encodeURIComponent(job.id)}/download`, undefined, { raw: true });
      const url = URL.createObjectURL(await response.blob());
      const link = h('a#export-download', { href: url, download: `${kind.label}.${job.format}` }, `下载 ${kind.label}.${job.format}（${job.rows} 行）`);
      fill(result, '导出完成：', link);
      link.click();
    } catch (e) {
      result.textContent = '';
      ctx.error(e.message);
    } finally {
      button.disabled = false;
    }
  }
}

/// The filters in words: 届别 2026，辅导员审核状态 未审核 …
function describe(kind, filters) {
  const levels = new Map((kind.stageLabels || []).map((l) => [`level.${l.role}`, `${l.label}审核状态`]));
  const statuses = new Map((kind.levelStatuses || []).map((s) => [s.status, s.label]));
  const states = new Map((kind.workflow?.states || []).map((s) => [s.id, s.label]));
  const fields = new Map(kind.fields.map((f) => [f.key, f.label]));
  const views = new Map(kind.views.map((v) => [v.id, v.label]));
  return Object.entries(filters).map(([k, v]) => {
    if (k === 'cohort') return `届别 ${v}`;
    if (k === 'view') return `视图 ${views.get(v) || v}`;
    if (k === 'state') return `状态 ${v.split(',').map((s) => states.get(s) || s).join('、')}`;
    if (levels.has(k)) return `${levels.get(k)} ${statuses.get(v) || v}`;
    return `${fields.get(k) || k} ${v}`;
  }).join('，');
}

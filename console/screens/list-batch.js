// A batch over the selected records: the action's inputs, then a result per record
// (成功, or the refusal and why) from POST /records/{kind}/batch.
import { h, fill, select, dialog } from '../dom.js';
import { post } from '../api.js';
import { controlFor, readControl } from './controls.js';
import { downloadSelected } from './download.js';

export function batchDialog(ctx, kind, action, ids, names, after) {
  if (action.download) return downloadSelected(ctx, action, ids);
  const inputs = [];
  const editable = kind.fields.filter((f) => kind.editable.includes(f.key));
  if (action.inputs.includes('field')) {
    // The value's control follows the chosen field's type (a code table's entries, 是/否, a date …).
    const fieldSelect = select({ id: 'batch-field' }, editable.map((f) => [f.key, f.label]), '');
    const valueRow = h('div.field');
    const drawValue = () => {
      const field = editable.find((f) => f.key === fieldSelect.value);
      valueRow.replaceChildren(h('label', { for: 'batch-value' }, '改为'), field ? controlFor(ctx, field, '', { id: 'batch-value', blank: '（请选择）' }) : '');
    };
    fieldSelect.addEventListener('change', drawValue);
    drawValue();
    inputs.push(h('div.field', h('label', { for: 'batch-field' }, '字段'), fieldSelect), valueRow);
  }
  if (action.inputs.includes('cohort')) {
    inputs.push(h('div.field', h('label', { for: 'batch-cohort' }, '新届别'), h('input#batch-cohort', { type: 'number', min: 2000, max: 2100, value: new Date().getFullYear() + 1 })));
  }
  if (action.inputs.includes('message')) {
    inputs.push(h('div.field', h('label', { for: 'batch-message' }, '通知内容'), h('textarea#batch-message', { rows: 3 })));
  }
  const results = h('div#batch-output');
  const run = h('button#batch-run', { type: 'button', onclick: go }, '执行');
  const d = dialog('batch-dialog', `${action.label}（已选 ${ids.length} 条）`, [
    h('p', `将对所选 ${ids.length} 条${kind.label}记录执行「${action.label}」，每条记录单独给出结果。`), inputs, results], run);

  async function go() {
    run.disabled = true;
    const body = { action: action.action, ids };
    if (action.inputs.includes('field')) {
      const field = kind.fields.find((f) => f.key === d.querySelector('#batch-field').value);
      const value = field ? readControl(d.querySelector('#batch-value'), field) : '';
      if (!field || value === '') { fill(results, h('p.error', { role: 'alert' }, '请选择字段并填写新的值')); run.disabled = false; return; }
      if (field.type.type === 'number' && typeof value !== 'number') { fill(results, h('p.error', { role: 'alert' }, `${field.label}应为数字`)); run.disabled = false; return; }
      body.field = field.key;
      body.value = value;
    }
    if (action.inputs.includes('cohort')) body.cohort = Number(d.querySelector('#batch-cohort').value);
    if (action.inputs.includes('message')) body.message = d.querySelector('#batch-message').value;
    try {
      const answer = await post(`records/${encodeURIComponent(kind.id)}/batch`, body);
      fill(results,
        h('p#batch-summary', { role: 'status' }, `成功 ${answer.succeeded} 条，失败 ${answer.failed} 条`),
        h('div.table-wrap', { tabindex: '0' }, h('table#batch-results',
          h('thead', h('tr', h('th', { scope: 'col' }, '记录'), h('th', { scope: 'col' }, '姓名'), h('th', { scope: 'col' }, '结果'))),
          h('tbody', answer.results.map((r) => h('tr', { 'data-id': r.id, class: r.ok ? 'ok' : 'failed' },
            h('td', r.id), h('td', names.get(r.id) || ''), h('td.result', r.ok ? '成功' : r.error?.message || '失败')))))));
      await after();
    } catch (e) {
      fill(results, h('p.error', { role: 'alert' }, e.message));
      run.disabled = false;
    }
  }
}

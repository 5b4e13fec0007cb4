// A batch action that answers with a file (导出材料: the selected records' materials as one zip).
import { h } from '../dom.js';
import { api } from '../api.js';

export async function downloadSelected(ctx, action, ids) {
  try {
    const response = await api('POST', action.download, { ids }, { raw: true });
    const name = /filename\*?=(?:UTF-8'')?"?([^";]+)/.exec(response.headers.get('Content-Disposition') || '')?.[1];
    const link = h('a#download-link', { href: URL.createObjectURL(await response.blob()), download: name ? decodeURIComponent(name) : `${action.label}.zip` });
    document.body.append(link);
    link.click();
    link.remove();
    ctx.status(`已导出所选 ${ids.length} 条记录的材料`);
  } catch (e) { ctx.error(e.message); }
}

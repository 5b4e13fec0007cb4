// The escape hatch: a plugin's own ES module draws its page. It is served from /console/plugins/
// under the console's policy and gets one object (documented in docs/plugins.md): the <main> to
// draw into, h() for elements (text only: the policy refuses HTML sinks), and the API.
import { h } from '../dom.js';
import { api, get, post, patch } from '../api.js';
import { formatHash } from '../pure/route.js';

export async function runModule(main, ctx, p, query) {
  const mod = await import(p.module);
  await mod.default({
    container: main, h, get, post, patch, query,
    del: (path) => api('DELETE', path),
    upload: (path, file) => upload(ctx, path, file),
    me: ctx.me, kind: ctx.kind, status: ctx.status, error: ctx.error,
    codeName: (table, code) => ctx.codeNames[table]?.get(String(code)) ?? String(code ?? ''),
    go: (q) => ctx.go('page', [p.plugin, p.id], q),
    recordLink: (kind, id) => formatHash('record', [kind, id]),
  });
}

/// A file as a record's material: the bytes as they are, the name in the query.
async function upload(ctx, path, file) {
  const response = await fetch(`/api/v1/${path}?name=${encodeURIComponent(file.name)}`, {
    method: 'POST', credentials: 'same-origin', body: file,
    headers: { Accept: 'application/json', 'Content-Type': 'application/octet-stream', 'X-CSRF-Token': ctx.me.csrfToken || '' },
  });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new Error(data?.error?.message || `上传失败（${response.status}）`);
  return data;
}

// The JSON API, as the console's only way to the server. The session lives in an HttpOnly cookie
// the page cannot read; writes carry the CSRF token the login (or /auth/me) gave us.

let csrf = '';
let onUnauthenticated = () => {};

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `请求失败（${status}）`);
    this.status = status;
    this.code = e.code || 'http_' + status;
    this.field = e.field || null;
  }
}

export function setCsrf(token) { csrf = token || ''; }
export function whenUnauthenticated(handler) { onUnauthenticated = handler; }

export async function api(method, path, body, { raw = false } = {}) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-CSRF-Token'] = csrf;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  document.body.dataset.busy = '1';
  let response;
  try {
    response = await fetch('/api/v1/' + path, {
      method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, { error: { code: 'network', message: '无法连接服务器，请检查网络后重试' } });
  } finally {
    delete document.body.dataset.busy;
  }
  if (raw && response.ok) return response;
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = new ApiError(response.status, data);
    if (response.status === 401 && !path.startsWith('auth/')) onUnauthenticated();
    throw error;
  }
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body ?? {});
export const patch = (path, body) => api('PATCH', path, body);

/// Sends a file's bytes (a record's materials route) with the CSRF header, reporting the share
/// sent (0…1) as it goes: fetch cannot tell an upload's progress, XMLHttpRequest can.
export function upload(path, file, onProgress = () => {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/' + path);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onload = () => {
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch { /* not JSON: the status says enough */ }
      if (xhr.status >= 200 && xhr.status < 300) { onProgress(1); return resolve(data); }
      if (xhr.status === 401) onUnauthenticated();
      reject(new ApiError(xhr.status, data));
    };
    xhr.onerror = () => reject(new ApiError(0, { error: { code: 'network', message: '上传中断，请检查网络后重试' } }));
    xhr.send(file);
  });
}

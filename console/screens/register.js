// 用人单位注册 (before signing in): the credit code checked as typed, by the server's rule.
import { h, fill } from '../dom.js';
import { post } from '../api.js';
import { creditCodeProblem } from '../pure/creditcode.js';

const inputs = [['creditCode', '统一社会信用代码', { maxlength: 18, spellcheck: 'false', autocomplete: 'username' }],
  ['name', '单位名称', { maxlength: 128, autocomplete: 'organization' }], ['contact', '联系人', { maxlength: 64, autocomplete: 'name' }],
  ['mobile', '联系人手机号', { type: 'tel', maxlength: 11, autocomplete: 'tel' }],
  ['password', '登录密码', { type: 'password', autocomplete: 'new-password' }], ['password2', '再次输入密码', { type: 'password', autocomplete: 'new-password' }]];

export function register(root) {
  document.title = '用人单位注册 · 就业管理';
  const message = h('p#error', { role: 'alert' });
  const c = {};
  const err = {};
  const show = (k, text) => { err[k].textContent = text; if (text) c[k].setAttribute('aria-invalid', 'true'); else c[k].removeAttribute('aria-invalid'); };
  const checks = {
    creditCode: (x) => creditCodeProblem(x),
    mobile: (x) => (/^1\d{10}$/.test(x) ? '' : '手机号应为 11 位数字'),
    password2: () => (c.password2.value === c.password.value ? '' : '两次输入的密码不一致'),
  };
  const form = h('form#register', { onsubmit: submit, novalidate: true }, inputs.map(([k, label, attrs]) => {
    c[k] = h('input', { id: 'reg-' + k, name: k, required: true, 'aria-describedby': `reg-${k}-error`, ...attrs });
    err[k] = h('p.field-error', { id: `reg-${k}-error`, 'aria-live': 'polite' });
    return h('div.field', h('label', { for: 'reg-' + k }, label), c[k], err[k]);
  }), h('button', { type: 'submit' }, '提交注册申请'));
  c.creditCode.addEventListener('input', () => show('creditCode', creditCodeProblem(c.creditCode.value, { typing: true })));
  fill(root, h('main#main.signin', { 'data-ready': '1' }, h('div.signin-card', h('h1', '用人单位注册'), message, form,
    h('p.hint', '学校审核通过后，用统一社会信用代码和所设密码登录。'), h('p', h('a', { href: '#/login' }, '返回登录')))));
  c.creditCode.focus();

  async function submit(event) {
    event.preventDefault();
    message.textContent = '';
    const v = Object.fromEntries(inputs.map(([k]) => [k, c[k].value.trim()]));
    for (const [k] of inputs) show(k, v[k] ? checks[k]?.(v[k]) || '' : '必填');
    const first = inputs.find(([k]) => err[k].textContent);
    if (first) return c[first[0]].focus();
    try {
      await post('employers/register', { creditCode: v.creditCode, name: v.name, contact: v.contact, mobile: v.mobile, password: c.password.value });
      fill(form, h('p#register-done.done', { role: 'status' }, `注册申请已提交（${v.name}），请等待学校审核。`));
    } catch (e) {
      if (err[e.field]) { show(e.field, e.message); c[e.field].focus(); } else message.textContent = e.message;
    }
  }
}

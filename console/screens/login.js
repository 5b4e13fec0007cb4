// 登录: password, then the SMS code when the account must verify its phone, then a new password
// when a reset requires one.
import { h, fill } from '../dom.js';
import { post, get, setCsrf } from '../api.js';

export function signIn(root, done) {
  const message = h('p#error', { role: 'alert' });
  const username = h('input#username', { name: 'username', autocomplete: 'username', required: true });
  const password = h('input#password', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form#login', { onsubmit: submit },
    h('div.field', h('label', { for: 'username' }, '用户名（学号、工号或统一社会信用代码）'), username),
    h('div.field', h('label', { for: 'password' }, '密码'), password),
    h('button', { type: 'submit' }, '登录'));
  fill(root, h('main#main.signin', { 'data-ready': '1' },
    h('div.signin-card', h('h1', '就业管理 · 登录'), message, form,
      h('p.hint', '学生初始密码为身份证号后六位；连续输错 5 次账号将锁定 15 分钟。'))));
  username.focus();

  async function submit(event) {
    event.preventDefault();
    message.textContent = '';
    try {
      const answer = await post('auth/login', { username: username.value.trim(), password: password.value, cookie: true });
      if (answer.verificationRequired) return verify(answer);
      await finish(answer);
    } catch (e) {
      message.textContent = e.message;
      password.select();
    }
  }

  function verify(answer) {
    const code = h('input#code', { name: 'code', inputmode: 'numeric', autocomplete: 'one-time-code', required: true });
    const form = h('form#verify', {
      onsubmit: async (event) => {
        event.preventDefault();
        message.textContent = '';
        try { await finish(await post('auth/verify-phone', { challenge: answer.challenge, code: code.value.trim(), cookie: true })); } catch (e) { message.textContent = e.message; }
      },
    }, h('p', `验证码已发送至 ${answer.mobile}，请输入短信中的验证码。`),
    h('div.field', h('label', { for: 'code' }, '短信验证码'), code), h('button', { type: 'submit' }, '验证并登录'));
    document.getElementById('login')?.replaceWith(form);
    code.focus();
  }

  async function finish(session) {
    setCsrf(session.csrfToken);
    if (session.account.mustChangePassword) return changePassword();
    await done(await get('auth/me'));
  }

  function changePassword() {
    const old = h('input#old-password', { type: 'password', autocomplete: 'current-password', required: true });
    const fresh = h('input#new-password', { type: 'password', autocomplete: 'new-password', required: true });
    const again = h('input#new-password-again', { type: 'password', autocomplete: 'new-password', required: true });
    const form = h('form#password-change', {
      onsubmit: async (event) => {
        event.preventDefault();
        message.textContent = '';
        if (fresh.value !== again.value) { message.textContent = '两次输入的新密码不一致'; return; }
        try {
          await post('auth/password', { oldPassword: old.value, newPassword: fresh.value });
          await done(await get('auth/me'));
        } catch (e) { message.textContent = e.message; }
      },
    }, h('p', '密码已被重置，请先设置新密码。'),
    h('div.field', h('label', { for: 'old-password' }, '当前密码'), old),
    h('div.field', h('label', { for: 'new-password' }, '新密码'), fresh),
    h('div.field', h('label', { for: 'new-password-again' }, '再次输入新密码'), again),
    h('button', { type: 'submit' }, '修改密码并继续'));
    (document.getElementById('verify') || document.getElementById('login'))?.replaceWith(form);
    old.focus();
  }
}

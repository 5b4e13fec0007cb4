import PluginAPI

/// The termination's console contributions: on an application's page, the agreement it ends and
/// that agreement's own history (签约信息, 审核记录); for students, the application page (an ES
/// module: choose the agreement, write the 解约说明, attach the materials, submit, follow it).
extension TerminationPlugin {
    static let agreementPanel = ConsolePage(
        record: kind, id: "agreement", label: LocalizedText("签约信息", en: "the agreement"), roles: Role.staff.union([.student, .employer]),
        route: ":id/detail",
        columns: [
            .init("agreement.values.agreementNumber", LocalizedText("协议书编号", en: "agreement number")),
            .init("agreement.values.employerName", LocalizedText("单位名称", en: "employer")),
            .init("agreement.stateLabel", LocalizedText("协议状态", en: "agreement state")),
            .init("agreement.id", LocalizedText("协议", en: "agreement"), record: agreementKind),
            .init("agreementHistory", LocalizedText("签约审核记录", en: "signing history"), format: .history),
        ])

    static let studentPage = ConsolePage(
        id: "apply", label: LocalizedText("解约申请", en: "apply for termination"), roles: [.student, .employer], module: ConsoleModule(source: studentModule))

    /// The page of the two parties (the student, or the employer for its own agreements); it
    /// uses only the module API documented in docs/plugins.md.
    static let studentModule = #"""
// 解约申请 for a party to an agreement (the student, or the employer; the scope shows each only
// their own): their completed agreements, an application with a 解约说明 and the
// materials (the termination letter, proof the penalty was paid), and how each one is reviewed.
export default async function termination(api) {
  const { h, container: main } = api;
  main.id = 'termination-apply';
  const [agreements, applications] = await Promise.all([
    api.get('records/agreement?size=200&labels=1'), api.get('records/termination?size=200&labels=1')]);
  // An agreement with an application already (pending, or to fix and resubmit) is not offered again.
  const applied = new Set(applications.records.map((a) => a.values.agreementID));
  const terminable = agreements.records.filter((a) => ['completed', 'offline'].includes(a.state) && !applied.has(a.id));
  const agreement = h('select#t-agreement', { required: true }, terminable.map((a) =>
    h('option', { value: a.id }, `${a.values.agreementNumber || a.id} · ${a.values.employerName || ''}（${a.stateLabel}）`)));
  const explanation = h('textarea#t-explanation', { rows: 5, maxlength: 2000, required: true });
  const files = h('input#t-files', { type: 'file', multiple: true, accept: 'application/pdf,image/jpeg,image/png', required: true });
  const result = h('p#t-result', { role: 'status' });
  main.replaceChildren(h('h1', '解约申请'),
    h('section', { 'aria-labelledby': 't-mine' }, h('h2#t-mine', '我的解约申请'), mine(applications.records)),
    terminable.length ? h('form#t-form', { onsubmit: apply },
      h('h2', '申请解约'),
      h('p.hint', '只有已完成的协议可以申请解约。请写明解约原因，并上传解约函、违约金缴纳凭证等材料（PDF、JPG、PNG）。学校审核通过后，协议变为“已解约”，可重新签约。'),
      h('div.field', h('label', { for: 't-agreement' }, '协议'), agreement),
      h('div.field', h('label', { for: 't-explanation' }, '解约说明'), explanation),
      h('div.field', h('label', { for: 't-files' }, '解约材料'), files),
      h('div.buttons', h('button#t-submit', { type: 'submit' }, '提交解约申请')), result)
      : h('p.muted', applied.size ? '没有其他可以申请解约的协议。' : '您没有已完成的协议，暂不能申请解约。'));

  function mine(records) {
    if (!records.length) return h('p.muted', '暂无解约申请');
    return h('div.table-wrap', { tabindex: '0' }, h('table#t-applications',
      h('thead', h('tr', ['协议书编号', '单位名称', '状态', '审核意见', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', records.map((r) => h('tr', { 'data-id': r.id },
        h('td', r.values.agreementNumber || r.values.agreementID || ''), h('td', r.values.employerName || ''),
        h('td.state', r.stateLabel || r.state),
        h('td', r.rejection ? `${r.rejection.reasonLabel || ''}${r.rejection.note ? '：' + r.rejection.note : ''}` : ''),
        h('td', h('a.open', { href: api.recordLink('termination', r.id) }, r.state.startsWith('rejected') ? '修改并重新提交' : '查看审核记录')))))));
  }

  async function apply(e) {
    e.preventDefault();
    const button = main.querySelector('#t-submit');
    button.disabled = true;
    try {
      const chosen = terminable.find((a) => a.id === agreement.value);
      const created = await api.post('records/termination', {
        // An employer names the student as the agreement does (the engine checks the pair).
        student: chosen.student, studentName: chosen.studentName, values: { agreementID: chosen.id, explanation: explanation.value.trim() } });
      const base = `records/termination/${encodeURIComponent(created.id)}`;
      for (const file of files.files) { result.textContent = `正在上传 ${file.name}…`; await api.upload(base + '/materials', file); }
      await api.post(base + '/submit');
      api.go({ done: created.id });
      api.status('解约申请已提交，等待学校审核');
    } catch (err) {
      result.textContent = '';
      api.error(err.message);
      button.disabled = false;
    }
  }
}
"""#
}

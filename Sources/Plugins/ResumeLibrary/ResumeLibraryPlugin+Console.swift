import PluginAPI

/// The library's console pages: the statistics with their drill-down to students (staff), and
/// the student's own resumes (an ES module: several resumes, one default, the completeness meter).
extension ResumeLibraryPlugin {
    static let statisticsPage = ConsolePage(
        id: "stats", label: LocalizedText("简历统计", en: "resume statistics"), roles: Role.staff, route: "stats",
        columns: [
            .init("name", LocalizedText("单位", en: "unit")),
            .init("educationLevel", LocalizedText("学历", en: "education level"), table: "education-level"),
            .init("authenticated", LocalizedText("认证数", en: "authenticated")),
            .init("planned", LocalizedText("计划数", en: "planned"), drill: ["figure": "planned"]),
            .init("resumes", LocalizedText("简历数", en: "resumes"), drill: ["figure": "resumes"]),
        ],
        parameters: [.cohort, .group],
        note: LocalizedText("认证数：已绑定微信的学生；计划数：生源人数；简历数：默认简历完整度达到阈值的学生。点击计划数或简历数查看学生。",
                            en: "authenticated: bound to WeChat; planned: graduates; resumes: complete default resumes"),
        drillDown: .init(
            route: "stats/students", rows: "students",
            columns: [
                .init("student", LocalizedText("学号", en: "student number")),
                .init("name", LocalizedText("姓名", en: "name")),
                .init("educationLevel", LocalizedText("学历", en: "education level"), table: "education-level"),
                .init("completeness", LocalizedText("简历完整度", en: "completeness"), format: .percentage),
                .init("viewable", LocalizedText("简历", en: "resume"), record: kind),
            ],
            from: ["unit": "unit", "educationLevel": "educationLevel"], next: "next"))

    static let studentPage = ConsolePage(
        id: "mine", label: LocalizedText("我的简历", en: "my resumes"), roles: [.student], module: ConsoleModule(source: studentModule))

    /// The student's page; it uses only the module API documented in docs/plugins.md.
    static let studentModule = #"""
// 我的简历: the student's resumes, one default, each section a field of the kind's 简历内容 group,
// and the server's completeness against the threshold from which staff see a resume.
export default async function resumes(api) {
  const { h, container: main } = api;
  const kind = api.kind('resume');
  const threshold = kind.staffVisibility?.atLeast ?? 70;
  const sections = kind.fields.filter((f) => f.group === '简历内容');
  main.id = 'resumes';
  const list = h('div#resume-list.resume-cards');
  const editor = h('div#resume-editor');
  main.replaceChildren(h('h1', '我的简历'),
    h('p.hint', `完整度达到 ${threshold}% 的简历，学校老师才能查看；默认简历达到 ${threshold}% 才计入学校的简历统计；老师查看时先看到您的默认简历。`),
    h('div.actions', h('button#resume-new', { type: 'button', onclick: () => edit(null) }, '新建简历')), list, editor);
  await load(api.query.open);

  async function load(open) {
    const answer = await api.get('records/resume?size=200');
    const records = answer.records;
    list.replaceChildren(...(records.length ? records.map(card) : [h('p.muted', '还没有简历，请点击“新建简历”。')]));
    const chosen = records.find((r) => r.id === open);
    if (chosen) edit(chosen);
  }

  function card(r) {
    const v = r.values;
    const score = Number(v.completeness) || 0;
    const seen = score >= threshold;
    const empty = sections.filter((f) => !String(v[f.key] ?? '').trim()).map((f) => f.label);
    return h('section.resume-card', { 'data-id': r.id, 'aria-labelledby': `resume-${r.id}` },
      h('h2', { id: `resume-${r.id}` }, v.title || '未命名简历', v.isDefault ? h('span.badge', '默认简历') : null),
      h('div.meter-row', h('label', { for: `meter-${r.id}` }, '完整度'),
        h('meter', { id: `meter-${r.id}`, min: 0, max: 100, low: threshold - 0.5, high: threshold, optimum: 100, value: score }),
        h('span.score', `${score}%`), h('span.threshold', { 'aria-hidden': 'true' }, `${threshold}% 老师可见`)),
      h('p', { class: seen ? 'seen' : 'unseen' }, seen ? `已达到 ${threshold}%，学校老师可以查看这份简历。`
        : `还差 ${threshold - score}%：达到 ${threshold}% 后学校老师才能看到这份简历。`),
      empty.length ? h('p.muted', `未填写：${empty.join('、')}`) : null,
      h('div.buttons',
        h('button.secondary', { type: 'button', 'data-edit': r.id, onclick: () => edit(r) }, '编辑'),
        v.isDefault ? null : h('button.secondary', { type: 'button', 'data-default': r.id, onclick: () => act(() => api.post(`resume-library/resumes/${r.id}/default`), '已设为默认简历') }, '设为默认'),
        h('button.danger', { type: 'button', 'data-delete': r.id, onclick: () => confirm(`删除简历“${v.title}”？`) && act(() => api.del(`records/resume/${r.id}`), '已删除') }, '删除')));
  }

  async function act(run, message) {
    try { await run(); await load(); api.status(message); } catch (e) { api.error(e.message); }
  }

  function edit(r) {
    const v = r?.values || {};
    const title = h('input#resume-title', { value: v.title || '', maxlength: 64, required: true });
    const areas = sections.map((f) => h('div.field', h('label', { for: `s-${f.key}` }, f.label),
      h('textarea', { id: `s-${f.key}`, name: f.key, rows: 3, value: v[f.key] || '' })));
    const form = h('form#resume-form', { onsubmit: async (e) => {
      e.preventDefault();
      const values = { title: title.value.trim() };
      for (const f of sections) values[f.key] = form.querySelector(`[name=${f.key}]`).value.trim() || null;
      try {
        const saved = r ? await api.patch(`records/resume/${r.id}`, { values })
          : await api.post('records/resume', { student: api.me.id, values });
        editor.replaceChildren();
        await load();
        api.status(`已保存，完整度 ${saved.values.completeness}%`);
      } catch (e) { api.error(e.message); }
    } },
    h('h2', r ? `编辑：${v.title}` : '新建简历'),
    h('div.field', h('label', { for: 'resume-title' }, '简历名称'), title),
    h('fieldset', h('legend', '简历内容'), areas),
    h('div.buttons', h('button#resume-save', { type: 'submit' }, '保存'),
      h('button.secondary', { type: 'button', onclick: () => editor.replaceChildren() }, '取消')));
    editor.replaceChildren(form);
    title.focus();
  }
}
"""#
}

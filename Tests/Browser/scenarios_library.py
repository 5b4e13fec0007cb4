"""Issue 17's 解约 and 简历库 scenarios: a termination applied for by the student and decided by the
school (the agreement then 已解约), the resume threshold as staff meet it (69 % hidden, 70 % seen,
pinned, deleted), and the resume statistics against a recount, with their drill-down. Each page is
a plugin's declaration (a statistics table with a drill-down, a record panel, a module page)."""

import re
import struct
import time
import zipfile
import zlib
from collections import Counter

from harness import Failure, axe_violations, check
from scenarios import dialog_open, open_detail, open_list, press_action, student_password

TERMINATION = "termination"
RESUME = "resume"
EXPLANATION = "考取研究生，申请与原单位解约"


def png(path, width=180, height=240):
    """A real PNG, a page with lines like a letter (the server decides a file's type by its bytes)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    def pixel(x, y):
        written = 20 <= x < width - 20 and y % 14 in (0, 1) and 24 <= y < height - 30
        return b"\x40\x40\x48" if written else b"\xfb\xfb\xf6"
    rows = b"".join(b"\x00" + b"".join(pixel(x, y) for x in range(width)) for y in range(height))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return path


def accessible(b, what):
    bad = axe_violations(b)
    check(not bad, f"axe on {what}: " + " | ".join(bad))


def student_browser(ctx, number, phone=False):
    b = ctx.new_browser(f"student-{number}")
    if phone:
        b.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 375, "height": 812, "deviceScaleFactor": 2, "mobile": True})
    return b.sign_in(number, student_password(ctx, number))


def open_page(b, plugin, page, main_id, query=""):
    b.go(f"/page/{plugin}/{page}" + (f"?{query}" if query else ""))
    b.wait_ready(main_id)


def completed_agreement(ctx):
    """An agreement in 已完成 seeded over the admin socket, given a number and an employer by the school."""
    school = ctx.api.token("school")
    before = {r["id"] for r in ctx.api.all_records("agreement", school, "state=completed")}
    ctx.daemon.ctl("seed", "records", "agreement", "--state", "completed", "--count", 1)
    fresh = [r for r in ctx.api.all_records("agreement", school, "state=completed") if r["id"] not in before]
    check(len(fresh) == 1, f"seeding one completed agreement made {len(fresh)}")
    agreement = fresh[0]
    ctx.api.call("PATCH", f"records/agreement/{agreement['id']}",
                 {"values": {"employerName": "杭州示例科技有限公司", "employerCreditCode": "91110108MA01ABCD1E", "position": "软件工程师"}}, school)
    return agreement


def termination_flow(ctx, s):
    """The student applies (解约说明 and a material) on the termination plugin's module page; the
    school finds it under 待审核 with its 说明, previews the material and the agreement's panel,
    rejects with a reason, approves the resubmission; the history shows both, the agreement is
    已解约, and the processed application's materials export as a zip."""
    agreement = completed_agreement(ctx)
    number = agreement["student"]
    student = student_browser(ctx, number)
    open_page(student, "termination", "apply", "termination-apply")
    student.wait(lambda: student.exists("form#t-form"), "form#t-form (a completed agreement may be terminated)")
    student.select("select#t-agreement", agreement["id"])
    student.find("textarea#t-explanation").send_keys(EXPLANATION)
    student.find("input#t-files").send_keys(str(png(ctx.work / "解约函.png")) + "\n" + str(png(ctx.work / "违约金缴纳凭证.png", 240, 160)))
    s.shot(student, "student-apply")
    accessible(student, "解约申请")
    student.click("button#t-submit")
    student.wait(lambda: "待学校审核" in (student.text("table#t-applications tbody") or ""), "the application 待学校审核 in table#t-applications")
    application = student.js("return document.querySelector('table#t-applications tbody tr[data-id]').dataset.id")
    s.shot(student, "student-applied")
    api_app = ctx.api.ok("GET", f"records/{TERMINATION}/{application}", token=ctx.api.token("school"))
    check(api_app["state"] == "pending:school" and api_app["values"]["explanation"] == EXPLANATION, f"the API says {api_app['state']} {api_app['values']}")

    school = ctx.browser("school")
    open_list(school, TERMINATION, "view=pending")
    check(school.exists('nav#views a[data-view="pending"][aria-current="page"]'), "the 待审核 tab (a view declared in plugins.yaml) is current")
    check(application in school.js("return [...document.querySelectorAll('table#records tbody tr[data-id]')].map(r => r.dataset.id)"),
          f"{application} is not in the 待审核 list")
    check(EXPLANATION in (school.text(f'table#records tr[data-id="{application}"]') or ""), "the 解约说明 is not shown in the list")
    s.shot(school, "pending-list")
    # 解约材料 from the list row, as in the manual: previewed in a dialog without leaving the list.
    school.click(f'table#records tr[data-id="{application}"] button.materials')
    school.wait(lambda: school.exists("dialog#materials-dialog[open] #materials img")
                and school.js("return document.querySelector('dialog#materials-dialog #materials img').naturalWidth") > 0,
                "the materials previewed from the list row")
    check(len(school.find_all("dialog#materials-dialog #materials figure")) == 2, "the dialog does not show both materials")
    s.shot(school, "pending-materials")
    school.click("dialog#materials-dialog button[value=cancel]")

    open_detail(school, application, TERMINATION)
    school.wait(lambda: school.exists('section.panel[data-panel="termination/agreement"] ol.timeline')
                and school.exists("#materials img"), "the agreement panel and the material's preview")
    panel = school.text('section.panel[data-panel="termination/agreement"]') or ""
    check("已完成" in panel, f"the agreement panel does not say 已完成: {panel!r}")
    check(school.js("return document.querySelector('#materials img').naturalWidth") > 0, "the material's image did not load")
    school.scroll_to("section.panel")
    s.shot(school, "review-detail")
    accessible(school, "the application with its panel")
    press_action(school, "reject", "审核未通过", reason="proof", note="请补充违约金缴纳凭证")
    rejected = ctx.api.ok("GET", f"records/{TERMINATION}/{application}", token=ctx.api.token("school"))
    check(rejected["state"].startswith("rejected"), f"after 不通过 the API says {rejected['state']}")

    # The student sees why, and resubmits.
    open_page(student, "termination", "apply", "termination-apply", "seen=1")
    student.wait(lambda: "请补充违约金缴纳凭证" in (student.text("table#t-applications") or ""), "the rejection's note on the student's page")
    s.shot(student, "student-rejected")
    student.click(f'table#t-applications tr[data-id="{application}"] a.open')
    student.wait_ready("detail", kind=TERMINATION, id=application)
    check("请补充违约金缴纳凭证" in (student.text("main") or ""), "the student's record page does not show the rejection's note")
    student.wait(lambda: student.exists('section.panel[data-panel="termination/agreement"]'), "the agreement panel on the student's page")
    press_action(student, "resubmit", "待学校审核")

    open_detail(school, application, TERMINATION)
    press_action(school, "approve", "通过")
    history = school.text("ol#history") or ""
    check("证明材料不符合要求" in history and "请补充违约金缴纳凭证" in history, f"the history lacks the rejection's reason and note: {history!r}")
    check(ctx.api.ok("GET", f"records/agreement/{agreement['id']}", token=ctx.api.token("school"))["state"] == "terminated",
          "the agreement is not terminated after the approval")
    school.wait(lambda: "已解约" in (school.text('section.panel[data-panel="termination/agreement"]') or ""), "the panel to say 已解约")
    school.scroll_to("ol#history")
    s.shot(school, "approved")
    open_detail(school, agreement["id"], "agreement")
    check("已解约" in (school.text("#record-state") or ""), f"the agreement's page says {school.text('#record-state')!r}")
    s.shot(school, "agreement-terminated")

    # 解约记录: the decided application, its materials as one zip.
    open_list(school, TERMINATION, "view=processed")
    school.click(f'table#records tr[data-id="{application}"] input.select-row')
    before = set(school.downloads.iterdir())
    school.click('button[data-batch="export-materials"]')
    deadline = time.time() + 60
    zips = []
    while time.time() < deadline and not zips:
        zips = [f for f in school.downloads.iterdir() if f not in before and f.suffix == ".zip" and not list(school.downloads.glob("*.crdownload"))]
        time.sleep(0.3)
    check(zips, f"no zip downloaded (#error {school.text('#error')!r}; the folder holds {sorted(f.name for f in school.downloads.iterdir())})")
    with zipfile.ZipFile(zips[0]) as z:
        names = z.namelist()
    check(sorted(n.rsplit("-", 1)[-1] for n in names) == sorted(m["name"] for m in ctx.api.ok("GET", f"records/{TERMINATION}/{application}/materials", token=ctx.api.token("school"))["materials"]),
          f"the zip holds {names}")
    student.quit()
    employer_applies(ctx, s)


def employer_applies(ctx, s):
    """The employer applies on the same page for an agreement of its own: the application names
    the student as the agreement does, and says the employer applied."""
    agreement = completed_agreement(ctx)
    employer = ctx.browser("91110108MA01ABCD1E")
    open_page(employer, "termination", "apply", "termination-apply")
    employer.wait(lambda: employer.exists(f'select#t-agreement option[value="{agreement["id"]}"]'), "the employer's completed agreement offered")
    employer.select("select#t-agreement", agreement["id"])
    employer.find("textarea#t-explanation").send_keys("岗位调整，经双方协商解约")
    employer.find("input#t-files").send_keys(str(png(ctx.work / "单位解约函.png")))
    employer.click("button#t-submit")
    employer.wait(lambda: "待学校审核" in (employer.text("table#t-applications tbody") or ""), "the employer's application 待学校审核")
    s.shot(employer, "employer-applied")
    school = ctx.api.token("school")
    mine = [r for r in ctx.api.all_records(TERMINATION, school, "state=pending:school") if r["values"].get("agreementID") == agreement["id"]]
    check(len(mine) == 1 and mine[0]["values"].get("applicant") == "employer" and mine[0]["student"] == agreement["student"],
          f"the employer's application reads {mine}")


def set_weights(ctx, weights):
    """The resume weights in the running daemon's plugins.yaml, applied by `jiuyectl plugin reload`."""
    path = ctx.daemon.config
    text = open(path, encoding="utf-8").read()
    block = "      weights:              # each section's share of 100\n" + "".join(f"        {k}: {v}\n" for k, v in weights.items())
    text = re.sub(r"      weights:.*?\n(?:        \w+: \d+\n)+", block, text, count=1, flags=re.S)
    open(path, "w", encoding="utf-8").write(text)
    ctx.daemon.ctl("plugin", "reload")


SECTIONS = ["basicInfo", "education", "experience", "projects", "skills", "awards", "certificates", "selfEvaluation"]
DEFAULT_WEIGHTS = dict(zip(SECTIONS, [20, 20, 15, 10, 10, 5, 5, 15]))


def resume_threshold(ctx, s):
    """With weights where one section is 69 % and the next brings 70 %, a student (at phone width)
    writes a resume on 我的简历 and makes it the default: staff cannot open it at 69 % (the drill-down
    shows the figure, no link); at 70 % they open it from the drill-down, pin it and delete it."""
    set_weights(ctx, dict(DEFAULT_WEIGHTS, basicInfo=69, education=1, experience=30, projects=0, skills=0, awards=0, certificates=0, selfEvaluation=0))
    try:
        school_token = ctx.api.token("school")
        graduates = ctx.api.all_records("source-info", school_token)
        # A student with no resume yet, in a small unit, so the drill-down fits one page.
        has = {r["student"] for r in ctx.api.all_records(RESUME, ctx.api.token("school"))}
        target = next(g for g in graduates if g["student"] not in has and g["major"] != "软件工程")
        number = target["student"]
        b = student_browser(ctx, number, phone=True)
        open_page(b, "resume-library", "mine", "resumes")
        b.click("button#resume-new")
        b.wait(lambda: b.exists("form#resume-form"), "form#resume-form")
        b.find("input#resume-title").send_keys("求职简历")
        b.find("textarea#s-basicInfo").send_keys("张三，男，2004 年生")
        b.click("button#resume-save")
        b.wait(lambda: b.exists("section.resume-card"), "the saved resume's card")
        resume = b.js("return document.querySelector('section.resume-card').dataset.id")
        b.click(f'button[data-default="{resume}"]')
        b.wait(lambda: "默认简历" in (b.text("section.resume-card h2") or ""), "默认简历 on the card")
        check(b.js("return document.querySelector('section.resume-card meter').value") == 69, "the meter is not at 69")
        check("还差 1%" in (b.text("section.resume-card") or ""), f"the card does not say what is missing: {b.text('section.resume-card')!r}")
        check(b.js("return document.documentElement.scrollWidth") <= 375, "the page scrolls sideways at 375 px")
        s.shot(b, "student-69")
        accessible(b, "我的简历")
        check(ctx.api.call("GET", f"records/{RESUME}/{resume}", token=school_token)[0] == 404, "staff can open a 69 % resume")

        staff = ctx.browser("school")
        drill = drill_rows(ctx, staff, target, "planned")
        row = drill.get(number)
        check(row and row["completeness"] == "69%" and not row["link"], f"the drill-down row of {number}: {row}")

        b.click(f'button[data-edit="{resume}"]')
        b.wait(lambda: b.exists("textarea#s-education"), "the editor")
        b.find("textarea#s-education").send_keys("某大学 本科")
        b.click("button#resume-save")
        b.wait(lambda: b.js("return document.querySelector('section.resume-card meter')?.value") == 70, "the meter at 70")
        check("学校老师可以查看" in (b.text("section.resume-card") or ""), "the card does not say staff may see it now")
        s.shot(b, "student-70")

        drill = drill_rows(ctx, staff, target, "resumes")
        row = drill.get(number)
        check(row and row["completeness"] == "70%" and row["link"], f"the drill-down row of {number} at 70 %: {row}")
        s.shot(staff, "drill-70")
        staff.click(f'table#drill-table tr[data-student="{number}"] a.open')
        staff.wait_ready("detail", kind=RESUME, id=resume)
        staff.select("select#f-pinned", "true")
        staff.click("button#save")
        staff.wait(lambda: "已保存" in (staff.text("#status") or ""), "已保存")
        check(ctx.api.ok("GET", f"records/{RESUME}/{resume}", token=school_token)["values"]["pinned"] is True, "the resume is not pinned")
        listed = ctx.api.ok("GET", "resume-library/resumes?size=5", token=school_token)["resumes"]
        check(listed and listed[0]["id"] == resume, "the pinned resume is not first in the library")
        s.shot(staff, "pinned")
        staff.click("button#delete-record")
        dialog_open(staff, "dialog#delete-dialog")
        staff.click("button#delete-confirm")
        staff.wait_ready("list", kind=RESUME)
        check(ctx.api.call("GET", f"records/{RESUME}/{resume}", token=ctx.api.token(number, student_password(ctx, number)))[0] == 404,
              "the deleted resume is still there for its student")
        b.quit()
    finally:
        set_weights(ctx, DEFAULT_WEIGHTS)


def drill_rows(ctx, b, graduate, figure):
    """Opens 简历统计 by major and follows the figure's link of the graduate's major and level."""
    open_page(b, "resume-library", "stats", "page", "group=major")
    b.wait(lambda: b.exists("table#page-table tbody tr"), "table#page-table rows")
    level = ctx.state.setdefault("levels", {}).get(graduate["values"]["educationLevel"]) or level_name(ctx, graduate["values"]["educationLevel"])
    column = {"planned": 3, "resumes": 4}[figure]
    href = b.js("""const [major, level, i] = arguments;
        const row = [...document.querySelectorAll('table#page-table tbody tr')].find(r => r.children[0].textContent === major && r.children[1].textContent === level);
        const a = row && row.children[i].querySelector('a.drill'); return a ? a.getAttribute('href') : null;""", graduate["major"], level, column)
    check(href, f"no {figure} link for {graduate['major']} · {level}")
    b.go(href[1:])
    b.wait_ready("page")
    b.wait(lambda: b.exists("table#drill-table tbody"), "table#drill-table")
    rows = b.js("""return [...document.querySelectorAll('table#drill-table tbody tr')].map(r => ({
        student: r.children[0].textContent, completeness: r.children[3].textContent, link: !!r.querySelector('a.open')}));""")
    b.js("document.querySelectorAll('table#drill-table tbody tr').forEach(r => r.dataset.student = r.children[0].textContent)")
    return {r["student"]: r for r in rows}


def level_name(ctx, code):
    table = ctx.api.ok("GET", "code-tables/education-level", token=ctx.api.token("school"))
    names = {e["code"]: e["name"] for e in table["entries"]}
    ctx.state.setdefault("levels", {}).update(names)
    return names.get(code, code)


def resume_statistics(ctx, s):
    """简历统计 by major: every row's 计划数 and 简历数 equal a recount of the records the API
    gives, 学历 reads as names; a row's 计划数 opens exactly that major's students of that level."""
    school = ctx.api.token("school")
    graduates = ctx.api.all_records("source-info", school)
    place = {g["student"]: (g["major"], g["values"]["educationLevel"]) for g in graduates}
    # Something to count: in three colleges a complete default resume, and one short of the threshold.
    firsts = {}
    for g in graduates:
        firsts.setdefault(g["major"], []).append(g["student"])
    for i, numbers in enumerate(list(firsts.values())[:4]):
        for number, sections in ((numbers[-1], SECTIONS), (numbers[-2], SECTIONS[:4])):
            token = ctx.api.token(number, student_password(ctx, number))
            made = ctx.api.ok("POST", f"records/{RESUME}", {"student": number, "values": {"title": f"简历{i}", **{k: "……" for k in sections}}}, token=token)
            ctx.api.ok("POST", f"resume-library/resumes/{made['id']}/default", token=token)
    planned = Counter(place.values())
    counted = Counter(place[r["student"]] for r in ctx.api.all_records(RESUME, school) if r["values"].get("isDefault") and r["student"] in place)
    b = ctx.browser("school")
    open_page(b, "resume-library", "stats", "page", "group=major")
    b.wait(lambda: b.exists("table#page-table tbody tr"), "table#page-table rows")
    rows = b.js("return [...document.querySelectorAll('table#page-table tbody tr')].map(r => [...r.children].map(c => c.textContent))")
    check([h for h in b.js("return [...document.querySelectorAll('table#page-table thead th')].map(t => t.textContent)")]
          == ["单位", "学历", "认证数", "计划数", "简历数"], "the statistics' headers")
    names = {v: k for k, v in level_names(ctx).items()}
    seen = {}
    for unit, level, _auth, plan, resumes in rows:
        check(level in names, f"学历 {level!r} is not a name of the education-level table")
        seen[(unit, names[level])] = (int(plan), int(resumes))
    expected = {k: (planned[k], counted[k]) for k in planned}
    check(seen == expected, f"the table differs from the recount: {sorted(set(seen.items()) ^ set(expected.items()))[:6]}")
    s.shot(b, "stats")
    accessible(b, "简历统计")
    # The largest row (several pages): its 计划数 lists exactly its students.
    unit, level = max(expected, key=lambda k: expected[k][0])
    level_label = level_names(ctx)[level]
    href = b.js("""const [unit, level] = arguments;
        const row = [...document.querySelectorAll('table#page-table tbody tr')].find(r => r.children[0].textContent === unit && r.children[1].textContent === level);
        return row.children[3].querySelector('a.drill').getAttribute('href');""", unit, level_label)
    b.go(href[1:])
    listed = set()
    for _ in range(20):
        b.wait_ready("page")
        b.wait(lambda: b.exists("table#drill-table tbody"), "table#drill-table")
        listed |= set(b.js("return [...document.querySelectorAll('table#drill-table tbody tr th')].map(t => t.textContent)"))
        if not _:
            s.shot(b, "drill-down")
            accessible(b, "the drill-down")
        if not b.exists("a#drill-next"):
            break
        b.go(b.find("a#drill-next").get_attribute("href").split("#", 1)[1])
    want = {n for n, p in place.items() if p == (unit, level)}
    check(listed == want, f"the drill-down of {unit} · {level_label} lists {len(listed)} students, the API {len(want)}")
    check(level_label in (b.text("main h1") or ""), f"the drill-down's title {b.text('main h1')!r}")
    b.click("a#drill-back")
    b.wait(lambda: b.exists("table#page-table tbody tr"), "back to the statistics")


def level_names(ctx):
    if not ctx.state.get("levels"):
        level_name(ctx, "")
    return ctx.state["levels"]


ALL = [termination_flow, resume_statistics, resume_threshold]

__all__ = ["ALL", "Failure"]

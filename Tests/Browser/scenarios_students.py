"""Issue 17's student scenarios: a student's own console at phone width (375 px, as in WeChat's
browser) and on a PC. Each student is imported fresh through the admin socket, so the records
start as the registry makes them (生源信息 drafted, no 就业信息). Every check compares what the
browser shows with what the API says."""

import struct
import zlib

import fixtures
from harness import axe_violations, check

SOURCE, EMPLOYMENT = "source-info", "employment-info"
EMPLOYER = {"employerName": "北京示例科技有限公司", "employerCreditCode": "91110108MA01ABCD1E", "employerRegionCode": "110108",
            "employerAddress": "北京市海淀区中关村大街1号"}
STUDENT_FIELDS = {"originRegionCode": "110108", "originRegionName": "北京市海淀区", "homeAddress": "北京市海淀区学院路1号"}


def new_student(ctx, number, name, day):
    """Imports one student of 软件2201 (counselor-se's class); the initial password, the ID's last six."""
    first17 = f"110108200403{day:02d}{number[-2:]}2"   # an even 17th digit: 女
    idn = fixtures.id_number(first17)
    header = "学号,姓名,身份证号,性别,院系,专业,班级,学历层次,毕业年份,民族,专业代码,学制,入学年月,毕业日期,培养方式,学习形式,师范生类别,困难生类别"
    path = ctx.work / f"student-{number}.csv"
    path.write_text(header + f"\n{number},{name},{idn},女,计算机学院,软件工程,软件2201,本科生毕业,2026,01,080902,4,2022-09,2026-06-30,非定向,1,2,非困难生\n")
    ctx.daemon.ctl("import", "students", path)
    return idn[-6:]


def phone(b):
    """The browser as a phone: a 375 px wide viewport, touch-sized, as WeChat's browser has it."""
    b.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 375, "height": 812, "deviceScaleFactor": 2, "mobile": True})


def fits_phone(b, where):
    """Nothing scrolls sideways, and every control on show is at least 40 px tall."""
    wide = b.js("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    check(wide[0] <= wide[1], f"{where}: the page is {wide[0]} px wide in a {wide[1]} px window (it scrolls sideways)")
    small = b.js("""return [...document.querySelectorAll('button, input, select, .button, nav#nav a')]
        .filter(e => e.offsetParent !== null && !e.closest('dialog:not([open])'))
        .map(e => [e.id || e.name || e.textContent.trim().slice(0, 12), e.getBoundingClientRect().height])
        .filter(([, h]) => h < 40)""")
    check(not small, f"{where}: tap targets under 40 px: {small[:6]}")


def png(path):
    """A real 2×2 PNG."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\x1f\x5f\xae" * 2 for _ in range(2))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return path


def sign_in_student(ctx, number, password, width_phone=True):
    b = ctx.new_browser(number)
    if width_phone:
        phone(b)
    b.sign_in(number, password)
    b.wait_ready("mine")
    return b


def open_form(b, kind):
    """From the student's 首页, the kind's card leads straight to the student's own record."""
    b.go("/home")
    b.wait_ready("mine")
    b.click(f'section.kind-card[data-kind="{kind}"] h2 a')
    b.wait_ready("form", kind=kind)


def type_into(b, key, text):
    el = b.find(f"#f-{key}")
    b.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
    el.clear()
    el.send_keys(text)


def shown_groups(b):
    return b.js("return [...document.querySelectorAll('#student-form fieldset:not([hidden])')].map(f => f.dataset.group)")


def state_is(b, text):
    b.wait(lambda: text in (b.text("#record-state") or ""), f"#record-state to say {text}")


# ---------- scenarios ----------

def student_phone(ctx, s):
    """At 375 px: a student signs in, verifies and submits 生源信息 (registry data greyed and
    read-only, their own values in the inputs), registers a destination (code 10 makes the employer
    fields required), uploads a proof with a progress bar, submits; a counselor rejects it; the
    student sees the reason and note, fixes and resubmits."""
    api, number = ctx.api, "202211901"
    password = new_student(ctx, number, "林小满", 11)
    token = api.token(number, password)
    # The student's own form and the official values differ: the student must see their own.
    api.ok("PATCH", f"records/{SOURCE}/{number}", {"values": {"mobile": "13900000001"}}, token=token)
    api.ok("PATCH", f"records/{SOURCE}/{number}", {"values": {"mobile": "13700000000"}}, token=api.token("counselor-se"))
    b = sign_in_student(ctx, number, password)
    ctx.keep(number, b)
    s.shot(b, "home")
    fits_phone(b, "首页")
    cards = b.js("return [...document.querySelectorAll('section.kind-card')].map(c => c.dataset.kind)")
    check(SOURCE in cards and EMPLOYMENT in cards, f"the student's 首页 lists {cards}")
    check("已保存未提交" in (b.text(f'section.kind-card[data-kind="{SOURCE}"]') or ""), "the 生源信息 card shows no status")
    # the nav folds behind 菜单 and opens on a tap
    check(not b.find("nav#nav").is_displayed(), "at 375 px nav#nav is shown before 菜单 is pressed")
    b.click("button#nav-toggle")
    b.wait(lambda: b.find("nav#nav").is_displayed(), "nav#nav after 菜单")
    fits_phone(b, "菜单")
    s.shot(b, "menu")
    b.click(f'nav#nav a[data-kind="{SOURCE}"]')
    b.wait_ready("form", kind=SOURCE)
    check(not b.find("nav#nav").is_displayed(), "nav#nav stays open after choosing a screen")

    # 生源信息: registry greyed and read-only, the student's own values
    check(b.exists('.field.registry[data-field="idNumber"]') and b.find("#f-idNumber").get_attribute("disabled") is not None,
          "身份证号 is not a greyed, read-only registry field")
    check("如发现有误请反馈就业老师" in (b.text("#student-form") or ""), "the registry hint is missing")
    check(b.find("#f-mobile").get_attribute("value") == "13900000001",
          f"手机号码 shows {b.find('#f-mobile').get_attribute('value')!r}, not the student's own 13900000001")
    fits_phone(b, "生源信息")
    s.shot(b, "source-form")
    b.select("#f-politicalStatus", "03")
    b.select("#f-urbanRural", "城镇")
    for key, text in STUDENT_FIELDS.items():
        type_into(b, key, text)
    b.select("#f-archiveToSchool", "true")
    b.select("#f-householdToSchool", "false")
    b.click("button#save")
    b.wait(lambda: "已保存" in (b.text("#status") or ""), "#status 已保存")
    r = api.ok("GET", f"records/{SOURCE}/{number}", token=token)
    check(r["filled"].get("homeAddress") == STUDENT_FIELDS["homeAddress"] and r["filled"].get("mobile") == "13900000001",
          f"after 保存 the student's form is {r['filled']}")
    check(r["values"].get("mobile") == "13700000000", "保存 changed the official values")
    check(b.text('button[data-action="submit"]') == "提交核验", f"the submit button says {b.text('button[data-action=submit]')!r}")
    b.click('button[data-action="submit"]')
    state_is(b, "待辅导员审核")
    check(api.ok("GET", f"records/{SOURCE}/{number}", token=token)["state"] == "pending:counselor", "生源信息 was not submitted")
    check("辅导员" in (b.text("ol.levels") or "") and "未审核" in (b.text("ol.levels") or ""), f"the levels say {b.text('ol.levels')!r}")
    s.shot(b, "source-submitted")

    # 就业信息: the destination code decides what is required
    open_form(b, EMPLOYMENT)
    check(shown_groups(b) == ["", "证明材料"], f"before a destination is chosen the form shows {shown_groups(b)}")
    b.select("#f-destination", "80")
    check("升学信息" in shown_groups(b) and "单位信息" not in shown_groups(b), f"for 80 the form shows {shown_groups(b)}")
    b.select("#f-destination", "70")
    check(shown_groups(b) == ["", "证明材料"], f"for 70 the form shows {shown_groups(b)}")
    b.select("#f-destination", "10")
    check("单位信息" in shown_groups(b) and "升学信息" not in shown_groups(b) and "留学信息" not in shown_groups(b),
          f"for 10 the form shows {shown_groups(b)}")
    b.click('button[data-action="submit"]')
    errors = b.js("return [...document.querySelectorAll('.field-error:not([hidden])')].map(e => e.closest('.field').dataset.field)")
    for key in ("employerName", "employerCreditCode", "employerNature", "industry", "employerRegionCode", "jobCategory"):
        check(key in errors, f"submitting 10 without {key} shows no error by it (errors by {errors})")
    check("单位名称" in (b.text("#error") or ""), f"#error says {b.text('#error')!r}")
    check(not api.ok("GET", f"records/{EMPLOYMENT}", token=token)["records"], "a submission went out with the employer missing")
    fits_phone(b, "就业信息 with errors")
    s.shot(b, "employment-errors")
    for key, text in EMPLOYER.items():
        type_into(b, key, text)
    b.select("#f-employerNature", "39")
    b.find('.field[data-field="industry"] input.picker-search').send_keys("软件")
    b.wait(lambda: b.find("#f-industry").get_attribute("value") != "", "the searchable 单位行业 to pick its one match for 软件")
    b.select("#f-jobCategory", b.js("return [...document.querySelectorAll('#f-jobCategory option')].find(o => o.value).value"))
    b.click("button#save")
    b.wait(lambda: b.exists(f'main#form[data-id="{number}"]') and "已保存" in (b.text("#status") or ""), "the new 就业信息 saved")
    # proof: a file of the wrong type is refused by the field, a PNG goes up with a progress bar
    bad = ctx.work / "proof.txt"
    bad.write_text("not a picture")
    b.find("#f-proofFile").send_keys(str(bad))
    b.wait(lambda: b.text('.field[data-field="proofFile"] .field-error'), "the upload field's error for a text file")
    check("PDF" in b.text('.field[data-field="proofFile"] .field-error'), f"the type error says {b.text('.field[data-field=proofFile] .field-error')!r}")
    s.shot(b, "upload-refused")
    big = ctx.work / "scan.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (api.ok("GET", "console/schema", token=token)["maxUploadBytes"] + 1))
    b.find("#f-proofFile").send_keys(str(big))
    b.wait(lambda: "超过上限" in (b.text('.field[data-field="proofFile"] .field-error') or ""), "the upload field's error for a file over the limit")
    b.find("#f-proofFile").send_keys(str(png(ctx.work / "offer.png")))
    b.wait(lambda: "已上传" in (b.text("#upload-note") or ""), "#upload-note 已上传")
    check(b.js("const p = document.querySelector('#upload-progress'); return !p.hidden && p.value === 100"), "the progress bar is not full")
    b.wait(lambda: "offer.png" in (b.text(".material-list") or ""), "offer.png in the materials")
    check(not b.text('.field[data-field="proofFile"] .field-error'), "the type error stays after a good upload")
    b.scroll_to("#upload-progress")
    s.shot(b, "uploaded")
    b.click('button[data-action="submit"]')
    state_is(b, "待辅导员审核")
    r = api.ok("GET", f"records/{EMPLOYMENT}/{number}", token=token)
    check(r["state"] == "pending:counselor" and r["values"].get("employerCreditCode") == EMPLOYER["employerCreditCode"], f"the API says {r['state']} {r['values']}")
    check(api.ok("GET", f"records/{EMPLOYMENT}/{number}/materials", token=token)["materials"][0]["name"] == "offer.png", "the proof is not the record's")
    levels = b.js("return [...document.querySelectorAll('ol.levels li')].map(l => l.textContent)")
    check(len(levels) == 3 and "辅导员" in levels[0] and "学校" in levels[2], f"the levels are {levels}")
    fits_phone(b, "就业信息 submitted")
    s.shot(b, "employment-submitted")

    # a counselor rejects it; the student sees why, fixes and resubmits
    note = "单位地址请写到门牌号"
    api.ok("POST", f"records/{EMPLOYMENT}/{number}/review", {"action": "reject", "reason": "incorrect", "note": note}, token=api.token("counselor-se"))
    b.go("/home")
    b.wait_ready("mine")
    check("信息有误" in (b.text(f'section.kind-card[data-kind="{EMPLOYMENT}"]') or ""), "the 首页 card does not show the reason")
    s.shot(b, "home-rejected")
    open_form(b, EMPLOYMENT)
    text = b.text("section#rejection") or ""
    check("信息有误" in text and note in text and "辅导员" in text, f"section#rejection says {text!r}")
    fits_phone(b, "退回")
    s.shot(b, "rejected")
    type_into(b, "employerAddress", "北京市海淀区中关村大街1号院2号楼")
    b.click('button[data-action="resubmit"]')
    state_is(b, "待辅导员审核")
    r = api.ok("GET", f"records/{EMPLOYMENT}/{number}", token=token)
    check(r["levels"]["counselor"]["status"] == "fixed" and r["values"]["employerAddress"].endswith("2号楼"), f"after 修改后重新提交: {r['levels']} {r['values']}")
    check(not b.exists("section#rejection"), "the rejection is still shown after the resubmission")
    check("未通过已修改" in (b.text("ol.levels") or ""), f"the levels say {b.text('ol.levels')!r}")
    s.shot(b, "resubmitted")
    s.check_logs(b)
    bad = axe_violations(b)
    b.go("/home")
    b.wait_ready("mine")
    bad += axe_violations(b)
    b.drain_log()   # what axe itself logs is not the console's
    check(not bad, "axe on the student's form and 首页: " + " | ".join(bad))


def student_pc(ctx, s):
    """On a PC: 生源信息 with the registry greyed beside the student's blanks, and a destination of
    80 (升学) registered and submitted."""
    api, number = ctx.api, "202211902"
    password = new_student(ctx, number, "周以宁", 12)
    b = sign_in_student(ctx, number, password, width_phone=False)
    ctx.keep(number, b)
    check(not b.find("button#nav-toggle").is_displayed() and b.find("nav#nav").is_displayed(), "on a PC the nav is folded")
    s.shot(b, "home")
    open_form(b, SOURCE)
    check(b.find("#f-name").get_attribute("disabled") is not None and b.exists('.field.registry[data-field="name"]'), "姓名 is editable")
    s.shot(b, "source-form")
    open_form(b, EMPLOYMENT)
    b.select("#f-destination", "80")
    check(b.js("return !document.querySelector('.field[data-field=studySchool] .required').hidden"), "升学院校 is not marked required for 80")
    type_into(b, "studySchool", "北京大学")
    type_into(b, "studyMajor", "软件工程")
    b.click('button[data-action="submit"]')
    state_is(b, "待辅导员审核")
    r = api.ok("GET", f"records/{EMPLOYMENT}/{number}", token=api.token(number, password))
    check(r["state"] == "pending:counselor" and r["values"]["studySchool"] == "北京大学", f"the API says {r['state']} {r['values']}")
    s.shot(b, "employment-submitted")


def student_password_phone(ctx, s):
    """At 375 px: after a counselor resets a student's password, sign-in asks for a new one first."""
    api, number = ctx.api, "202211903"
    password = new_student(ctx, number, "何知远", 13)
    api.ok("POST", f"students/{number}/reset-password", token=api.token("counselor-se"), expect=(204,))
    b = ctx.new_browser(number)
    phone(b)
    b.open("/login")
    b.wait(lambda: b.exists("form#login"), "form#login")
    fits_phone(b, "登录")
    s.shot(b, "login")
    b.find("input#username").send_keys(number)
    b.find("input#password").send_keys(password)
    b.click("form#login button[type=submit]")
    b.wait(lambda: b.exists("form#password-change"), "form#password-change after a reset")
    fits_phone(b, "修改密码")
    s.shot(b, "password-change")
    b.find("#old-password").send_keys(password)
    b.find("#new-password").send_keys("Student-2026")
    b.find("#new-password-again").send_keys("Student-2026")
    b.click("form#password-change button[type=submit]")
    b.wait_ready("mine")
    ctx.keep(number, b)


ALL = [student_phone, student_pc, student_password_phone]

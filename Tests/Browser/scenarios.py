"""The issue's scenarios, each a function of the shared context. Selectors are the console's DOM
contract; every check compares what the browser shows with what the API (or the admin socket)
says, so a console that draws the wrong thing fails."""

import http.server
import json
import threading
import time
from functools import partial

import openpyxl
from selenium.webdriver.common.keys import Keys

from harness import Failure, axe_violations, check, free_port

KIND = "source-info"
XSS = "<img src=x onerror=alert(1)>"
PASSWORD = "Demo@2026"


# ---------- list helpers ----------

def row_ids(b):
    return b.js("return [...document.querySelectorAll('table#records tbody tr[data-id]')].map(r => r.dataset.id)")


def columns(b):
    return b.js("return [...document.querySelectorAll('table#records thead th[data-column]')].map(t => t.dataset.column)")


def cell(b, record_id, column):
    """The text of one cell, found by its header's position (the first column holds the checkbox)."""
    return b.js("""
        const ths = [...document.querySelectorAll('table#records thead tr:last-child > *')];
        const i = ths.findIndex(t => t.dataset.column === arguments[1]);
        const row = [...document.querySelectorAll('table#records tbody tr[data-id]')].find(r => r.dataset.id === arguments[0]);
        if (i < 0 || !row) return null;
        return row.children[i] ? row.children[i].textContent.trim() : null;""", record_id, column)


def redraw(b, action, what, timeout=30):
    """Runs `action` and waits for the list to be drawn again: every row present before is replaced
    (a marker set on the old rows is gone), the screen is ready and nothing is busy."""
    b.js("document.querySelectorAll('table#records tbody tr').forEach(r => r.dataset.testOld = '1')")
    action()
    time.sleep(0.1)
    b.wait(lambda: b.js("return !document.querySelector('table#records tbody tr[data-test-old]') "
                        "&& !!document.querySelector('main#list[data-ready=\"1\"]') && document.body.dataset.busy !== '1'"),
           what, timeout)


def dialog_open(b, selector):
    b.wait(lambda: b.js("const d = document.querySelector(arguments[0]); return !!d && d.open", selector), f"{selector} open")


def open_home(b):
    """首页, drawn with its cards (its main's id is checked once, by the scope scenario)."""
    b.open("/home")
    b.wait_shell()
    b.wait(lambda: b.exists("main section.kind-card"), "the home screen's section.kind-card")


def open_list(b, kind=KIND, query=""):
    b.go(f"/list/{kind}" + (f"?{query}" if query else ""))
    b.wait_ready("list", kind=kind)
    b.wait(lambda: b.exists("table#records"), "table#records")
    all_cohorts(b)


def all_cohorts(b):
    """Every cohort: the scenarios count the whole scope, whatever cohort the console opens on."""
    if b.exists("select#cohort") and b.js("return document.querySelector('select#cohort').value") != "":
        redraw(b, lambda: b.select("select#cohort", ""), "the list of every cohort")


def page_size(b, size):
    if b.js("return document.querySelector('select#page-size').value") != str(size):
        redraw(b, lambda: b.select("select#page-size", str(size)), f"a page of {size}")


def walk_pages(b, limit=20):
    """Every id of the list, page after page through button#next-page."""
    ids = list(row_ids(b))
    for _ in range(limit):
        if not b.exists("button#next-page") or b.js("return document.querySelector('button#next-page').disabled"):
            return ids
        redraw(b, lambda: b.click("button#next-page"), "the next page")
        ids += row_ids(b)
    raise Failure(f"more than {limit} pages")


def paste(b, values):
    """Fills textarea#paste as a paste from an Excel column would (one value a line); opens the
    <details> the console may fold the search box into, so its buttons can be pressed."""
    b.js("const t = document.querySelector('textarea#paste'); const d = t.closest('details'); if (d) d.open = true;"
         "t.value = arguments[0]; t.dispatchEvent(new Event('input', {bubbles: true}));", "\n".join(values))


def no_injected_markup(b):
    """The payload as markup would be an <img src=x>; the page must hold none, and no alert opened."""
    check(b.alert_text() is None, f"an alert opened: {b.alert_text()!r}")
    n = b.js("return [...document.images].filter(i => i.getAttribute('src') === 'x').length")
    check(n == 0, f"{n} <img src=x> element(s) in the page: the value was inserted as HTML")


# ---------- record helpers ----------

def record(ctx, record_id, kind=KIND):
    return ctx.api.ok("GET", f"records/{kind}/{record_id}", token=ctx.api.token("school"))


def open_detail(b, record_id, kind=KIND):
    b.go(f"/record/{kind}/{record_id}")
    b.wait_ready("detail", kind=kind, id=record_id)


def press_action(b, action, state_text, reason=None, note=None):
    """Presses a record action; with a reason, through dialog#reason-dialog. Waits for #record-state."""
    b.wait(lambda: b.exists(f'button[data-action="{action}"]'), f'button[data-action="{action}"]')
    b.click(f'button[data-action="{action}"]')
    if reason:
        dialog_open(b, "dialog#reason-dialog")
        b.select("select#reason", reason)
        b.find("textarea#reason-note").send_keys(note or "")
        b.click("button#reason-confirm")
    b.wait(lambda: state_text in (b.text("#record-state") or ""), f"#record-state to say {state_text}")


def student_password(ctx, number):
    """A demo student's initial password: the last six characters of the ID number."""
    return record(ctx, number)["values"]["idNumber"][-6:]


def student_token(ctx, number):
    return ctx.api.token(number, student_password(ctx, number))


PERSONAL = {"politicalStatus": "03", "urbanRural": "城镇", "originRegionCode": "110108", "originRegionName": "北京市海淀区",
            "mobile": "13800138000", "homeAddress": XSS, "archiveToSchool": True, "householdToSchool": False}


# ---------- scenarios ----------

def scope(ctx, s):
    """Each staff role signs in through the form and sees only its scope, page after page."""
    everything = {r["id"]: r for r in ctx.api.all_records(KIND, ctx.api.token("school"))}
    expected = {
        "school": set(everything),
        "cs-college": {i for i, r in everything.items() if r["college"] == "计算机学院"},
        "counselor-se": {i for i, r in everything.items() if r["class"] in ("软件2201", "软件2301")},
    }
    later = []
    outside = {"cs-college": next(i for i, r in everything.items() if r["college"] != "计算机学院"),
               "counselor-se": next(i for i, r in everything.items() if r["class"] not in ("软件2201", "软件2301"))}
    for user, ids in expected.items():
        b = ctx.new_browser(user)
        b.sign_in(user)
        ctx.keep(user, b)
        s.shot(b, f"{user}-home")
        shown = b.js("return document.querySelector('main').id")
        if not b.exists('main#home[data-ready="1"]'):   # noted, and the scope still checked
            later.append(f"after sign-in the home screen is not main#home (the contract's id) but main#{shown}")
        check(b.exists(f'main section.kind-card[data-kind="{KIND}"] a.waiting[data-state] .count'),
              f'the home screen has no section.kind-card[data-kind="{KIND}"] with a.waiting .count')
        check(b.text("#whoami"), "#whoami is empty")
        check(b.exists(f'nav#nav a[data-kind="{KIND}"]'), f'nav#nav has no a[data-kind="{KIND}"]')
        b.click(f'nav#nav a[data-kind="{KIND}"]')
        b.wait_ready("list", kind=KIND)
        all_cohorts(b)
        page_size(b, 200)
        s.shot(b, f"{user}-list")
        seen = walk_pages(b)
        check(len(seen) == len(set(seen)), f"{user}: {len(seen) - len(set(seen))} rows shown twice over the pages")
        check(set(seen) == ids, f"{user}: the list shows {len(seen)} records, its scope has {len(ids)}; "
                                f"outside the scope: {sorted(set(seen) - ids)[:5]}, missing: {sorted(ids - set(seen))[:5]}")
        if user in outside:
            b.go(f"/record/{KIND}/{outside[user]}")
            b.wait(lambda: bool(b.text("#error")), f"{user}: #error for a record outside the scope")
            check(not b.exists("main fieldset") and outside[user] not in (b.text("main h1") or ""),
                  f"{user} sees the detail of {outside[user]}, outside the scope")
            s.shot(b, f"{user}-outside-scope")
    check(not later, "; ".join(dict.fromkeys(later)))


def counselor_list(ctx, s):
    """Filter by a level's status, choose columns (remembered after a reload), 200 a page,
    paste 2000 numbers (the unmatched listed), 2001 refused with the count."""
    api, b = ctx.api, ctx.browser("counselor-se")
    token = api.token("counselor-se")
    open_list(b)
    page_size(b, 20)

    # 设置筛选字段: the counselor level approved — exactly what the API answers for level.counselor=approved
    want = {r["id"] for r in api.all_records(KIND, token, "level.counselor=approved")}
    check(want, "the seeded data has no record past the counselor")
    b.click("button#filters-button")
    dialog_open(b, "dialog#filters-dialog")
    options = b.js("return [...document.querySelectorAll('select[data-filter=\"level.counselor\"] option')].map(o => o.value)")
    check({"pending", "approved", "rejected"} <= set(options), f'select[data-filter="level.counselor"] options: {options}')
    b.select('select[data-filter="level.counselor"]', "approved")
    s.shot(b, "filters-dialog")
    redraw(b, lambda: b.click("button#filters-apply"), "the filtered list")
    got = set(walk_pages(b))
    s.shot(b, "filtered-approved")
    check(got == want, f"filter level.counselor=approved shows {sorted(got)[:8]}…({len(got)}), the API {sorted(want)[:8]}…({len(want)})")
    b.click("button#filters-button")
    dialog_open(b, "dialog#filters-dialog")
    redraw(b, lambda: b.click("button#filters-clear"), "the list without filters")
    if b.js("const d = document.querySelector('dialog#filters-dialog'); return !!d && d.open"):
        redraw(b, lambda: b.click("button#filters-apply"), "the list without filters")

    # 显示列: add one column, drop another; both remembered after a reload
    b.click("button#columns-button")
    dialog_open(b, "dialog#columns-dialog")
    boxes = b.js("return [...document.querySelectorAll('dialog#columns-dialog input[type=checkbox][name=column]')]"
                 ".map(c => [c.value, c.checked])")
    check(boxes, "dialog#columns-dialog has no input[name=column]")
    shown = [v for v, c in boxes if c]
    hidden = [v for v, c in boxes if not c]
    add = "mobile" if "mobile" in hidden else hidden[0]
    drop = next((v for v in shown if v not in ("studentNumber", "name", "id", "student", "studentName")), shown[-1])
    b.click(f'dialog#columns-dialog input[name=column][value="{add}"]')
    b.click(f'dialog#columns-dialog input[name=column][value="{drop}"]')
    s.shot(b, "columns-dialog")
    redraw(b, lambda: b.click("button#columns-save"), "the list with the chosen columns")
    cols = columns(b)
    check(add in cols and drop not in cols, f"after 显示列 (+{add}, -{drop}) the header has {cols}")
    b.driver.refresh()
    b.wait_ready("list", kind=KIND)
    cols = columns(b)
    s.shot(b, "columns-after-reload")
    check(add in cols and drop not in cols, f"after a reload the chosen columns (+{add}, -{drop}) are forgotten: {cols}")

    # 200 a page
    all_cohorts(b)
    page_size(b, 200)
    scope_ids = {r["id"] for r in api.all_records(KIND, token)}
    first = row_ids(b)
    s.shot(b, "page-200")
    check(len(first) == min(200, len(scope_ids)), f"a 200-row page shows {len(first)} rows (scope {len(scope_ids)})")
    redraw(b, lambda: b.click("button#next-page"), "page 2")
    second = row_ids(b)
    check(len(second) == len(scope_ids) - 200 and not set(first) & set(second),
          f"page 2 shows {len(second)} rows, {len(set(first) & set(second))} of them also on page 1")
    redraw(b, lambda: b.click("button#prev-page"), "page 1 again")

    # sort: 学号 twice is descending — the first page starts with the scope's highest numbers
    header = 'table#records thead th[data-column="studentNumber"] button.sort'
    check(b.exists(header), f"no {header}: 学号 is indexed, so sortable")
    redraw(b, lambda: b.click(header), "the list sorted by 学号")
    if b.js("return document.querySelector('table#records thead th[data-column=\"studentNumber\"]').getAttribute('aria-sort')") != "descending":
        redraw(b, lambda: b.click(header), "the list sorted by 学号, descending")
    top = row_ids(b)
    check(top == sorted(scope_ids, reverse=True)[:len(top)], f"sorted by 学号 descending the page starts {top[:3]}")
    s.shot(b, "sorted")
    redraw(b, lambda: b.click(header), "the list sorted by 学号 again")

    # 届别: one cohort is exactly what the API lists for it
    cohort = "2026"
    want = {r["id"] for r in api.all_records(KIND, token, f"cohort={cohort}")}
    check(want and want != scope_ids, f"the scope has no cohort {cohort} apart from the others")
    redraw(b, lambda: b.select("select#cohort", cohort), f"the list of cohort {cohort}")
    got = set(walk_pages(b))
    s.shot(b, f"cohort-{cohort}")
    check(got == want, f"届别 {cohort} shows {len(got)} records, the API {len(want)}; extra {sorted(got - want)[:5]}")
    redraw(b, lambda: b.select("select#cohort", ""), "the list of every cohort")

    # paste 2000: every number of the scope and made-up ones; the made-up ones are unmatched
    fakes = [f"29990{n:04d}" for n in range(2000 - len(scope_ids))]
    values = sorted(scope_ids) + fakes
    paste(b, values)
    redraw(b, lambda: b.click("button#paste-search"), "the paste search's first page", timeout=60)
    b.wait(lambda: b.exists("ul#unmatched li"), "ul#unmatched li")
    s.shot(b, "paste-2000")
    shown_ids = row_ids(b)
    check(shown_ids and set(shown_ids) <= scope_ids, f"the paste search shows {len(shown_ids)} rows, "
                                                     f"outside the pasted numbers: {sorted(set(shown_ids) - scope_ids)[:5]}")
    # a heading item (li.head "未找到 N 个：") is not a value
    unmatched = b.js("return [...document.querySelectorAll('ul#unmatched li:not(.head)')].map(l => l.textContent.trim())")
    check(set(unmatched) <= set(fakes), f"ul#unmatched lists values that exist: {sorted(set(unmatched) - set(fakes))[:5]}")
    where = (b.text("#unmatched") or "") + (b.text("#status") or "")
    check(len(unmatched) == len(fakes) or str(len(fakes)) in where,
          f"ul#unmatched lists {len(unmatched)} of the {len(fakes)} unmatched values and does not say {len(fakes)}")
    paste(b, values + ["299999999"])
    b.click("button#paste-search")
    b.wait(lambda: "2001" in (b.text("#error") or ""), "#error naming the count 2001")
    s.shot(b, "paste-2001-refused")
    if b.exists("button#paste-clear"):
        redraw(b, lambda: b.click("button#paste-clear"), "the list after clearing the paste")


def counselor_reject(ctx, s):
    """The counselor rejects a record with a reason from the list and a note."""
    api, b = ctx.api, ctx.browser("counselor-se")
    pending = api.all_records(KIND, api.token("counselor-se"), "state=pending:counselor")
    target = next(r["id"] for r in pending if r["class"] == "软件2201")
    ctx.state["rejected"] = target
    open_detail(b, target)
    check(target in (b.text("main#detail h1") or ""), f"the detail's h1 does not name {target}: {b.text('main#detail h1')!r}")
    s.shot(b, "detail")
    reasons = b.js("return [...document.querySelectorAll('select#reason option')].map(o => o.value)") or []
    b.click(f'button[data-action="reject"]')
    dialog_open(b, "dialog#reason-dialog")
    s.shot(b, "reason-dialog")
    close_dialogs(b)
    press_action(b, "reject", "未通过", reason="incorrect", note="专业代码与学籍不一致")
    b.scroll_to("ol#history")
    s.shot(b, "rejected")
    r = record(ctx, target)
    check(r["state"] == "rejected:counselor", f"after 退回 the API says {r['state']}")
    check((r.get("rejection") or {}).get("reason") in ("incorrect", "信息有误"), f"the rejection is {r.get('rejection')}")
    b.wait(lambda: len(b.find_all("ol#history li")) >= 2, "ol#history with the rejection")
    check("信息有误" in (b.text("ol#history") or "") or "incorrect" in (b.text("ol#history") or ""),
          f"the history does not show the reason: {b.text('ol#history')!r} (reasons offered: {reasons})")


def student_resubmits(ctx, s):
    """The student fixes the record and resubmits through the JSON API; the counselor sees it as
    未通过已修改 and approves it in the console."""
    api = ctx.api
    target = ctx.state.get("rejected")
    if not target or record(ctx, target)["state"] != "rejected:counselor":
        target = ctx.reject_through_api()
    token = student_token(ctx, target)
    api.ok("PATCH", f"records/{KIND}/{target}", {"values": PERSONAL}, token=token)
    r = api.ok("POST", f"records/{KIND}/{target}/submit", token=token)
    check(r["state"] == "pending:counselor" and r["levels"]["counselor"]["status"] == "fixed",
          f"after the resubmission: {r['state']} {r['levels']['counselor']}")
    b = ctx.browser("counselor-se")
    open_detail(b, target)
    check("待辅导员审核" in (b.text("#record-state") or ""), f"#record-state says {b.text('#record-state')!r}")
    s.shot(b, "resubmitted")
    press_action(b, "approve", "待学院审核")
    s.shot(b, "counselor-approved")
    check(record(ctx, target)["state"] == "pending:college", f"after 通过 the API says {record(ctx, target)['state']}")


def college_copy_fill(ctx, s):
    """The college officer compares the student's version, presses 一键复制填报, saves and approves."""
    api = ctx.api
    target = ctx.state.get("rejected")
    if not target or record(ctx, target)["state"] != "pending:college":
        target = ctx.resubmitted_through_api()
    b = ctx.browser("cs-college")
    open_detail(b, target)
    b.scroll_to('div.field[data-field="homeAddress"]')
    s.shot(b, "detail")
    check(b.exists('div.field[data-field="homeAddress"].differs'), 'the row div.field[data-field="homeAddress"] is not marked .differs')
    student = b.text('div.field[data-field="homeAddress"] .student-value')
    check(student == XSS, f"the student's homeAddress shows as {student!r}, not the literal text")
    check(b.js("const c = document.querySelector('div.field[data-field=\"name\"] [name=\"name\"]'); return !!c && c.disabled"),
          "the registry field 姓名 is not a disabled control")
    check(b.exists('div.field[data-field="name"].registry') or b.exists('div.field[data-field="name"] .registry'),
          "the registry field 姓名 has no class registry")
    b.click("button#copy-fill")
    b.wait(lambda: b.js("const c = document.querySelector('div.field[data-field=\"homeAddress\"] [name=\"homeAddress\"]');"
                        "return !!c && c.value === arguments[0]", XSS), "一键复制填报 to fill homeAddress")
    b.scroll_to('div.field[data-field="homeAddress"]')
    s.shot(b, "copy-filled")
    b.click("button#save")
    b.wait(lambda: record(ctx, target)["values"].get("homeAddress") == XSS, "the saved homeAddress in the API")
    b.idle()
    b.wait_ready("detail", kind=KIND, id=target)
    press_action(b, "approve", "待学校审核")
    s.shot(b, "approved")
    r = record(ctx, target)
    check(r["state"] == "pending:school", f"after 通过 the API says {r['state']}")
    check(r["values"].get("mobile") == PERSONAL["mobile"], f"一键复制填报 did not copy mobile: {r['values'].get('mobile')}")


def school_batch(ctx, s):
    """The school batch-approves (a result per row: at its level succeeded, below refused) and
    batch-unlocks a student locked by wrong passwords."""
    api, b = ctx.api, ctx.browser("school")
    token = api.token("school")
    past = api.all_records(KIND, token, "level.counselor=approved")
    ok = {r["id"] for r in past if r["state"] == "pending:school"}
    refused = {r["id"] for r in past if r["state"] != "pending:school"}
    check(ok and refused, f"the data needs records at the school's level and below: {len(ok)} / {len(refused)}")
    open_list(b)
    page_size(b, 200)
    b.click("button#filters-button")
    dialog_open(b, "dialog#filters-dialog")
    b.select('select[data-filter="level.counselor"]', "approved")
    redraw(b, lambda: b.click("button#filters-apply"), "the filtered list")
    check(set(row_ids(b)) == ok | refused, f"the school's filtered list shows {len(row_ids(b))} rows, the API {len(ok | refused)}")
    b.click("input#select-page")
    b.click('button[data-batch="approve"]')
    dialog_open(b, "dialog#batch-dialog")
    b.click("button#batch-run")
    b.wait(lambda: len(b.find_all("table#batch-results tbody tr[data-id]")) == len(ok | refused), "a result per selected row")
    s.shot(b, "batch-approve-results")
    results = dict(b.js("return [...document.querySelectorAll('table#batch-results tbody tr[data-id]')]"
                        ".map(r => [r.dataset.id, r.querySelector('td.result').textContent.trim()])"))
    wrong_ok = [i for i in ok if results.get(i) != "成功"]
    wrong_refused = [i for i in refused if results.get(i) in (None, "", "成功")]
    check(not wrong_ok, f"rows that should say 成功: {[(i, results.get(i)) for i in wrong_ok][:5]}")
    check(not wrong_refused, f"rows that should give the refusal: {[(i, results.get(i)) for i in wrong_refused][:5]}")
    summary = b.text("#batch-summary") or ""
    check(f"成功 {len(ok)} 条" in summary and f"失败 {len(refused)} 条" in summary, f"#batch-summary says {summary!r}")
    states = {r["id"]: r["state"] for r in api.all_records(KIND, token, "level.counselor=approved")}
    check(all(states[i] == "approved" for i in ok) and all(states[i] != "approved" for i in refused),
          "the API's states after the batch do not match the results shown")
    close_dialogs(b)

    # 选择全部符合条件的 N 条: from one page of 20 to every record the filter matches
    pending = {r["id"] for r in api.all_records(KIND, token, "level.counselor=pending")}
    check(len(pending) > 20, f"the data needs more than a page of records pending at the counselor: {len(pending)}")
    open_list(b, query="level.counselor=pending")
    page_size(b, 20)
    b.click("input#select-page")
    b.wait(lambda: b.js("const e = document.querySelector('button#select-all-matching'); return !!e && !e.hidden"),
           "button#select-all-matching shown after selecting the page")
    b.click("button#select-all-matching")
    b.wait(lambda: str(len(pending)) in (b.text("#selection-count") or "") + (b.text("#status") or ""),
           f"the selection to count {len(pending)} records")
    s.shot(b, "select-all-matching")
    close_dialogs(b)

    # 解锁账号: a student locked by five wrong passwords
    locked = ctx.state.setdefault("locked", "202211018")
    password = student_password(ctx, locked)
    for _ in range(6):
        status, answer = api.call("POST", "auth/login", {"username": locked, "password": "wrong-password"})
    status, answer = api.call("POST", "auth/login", {"username": locked, "password": password})
    check(status != 200 and "锁定" in json.dumps(answer, ensure_ascii=False), f"the right password after six wrong ones: {status} {answer}")
    login = ctx.new_browser("locked")
    login.open("/login")
    login.wait(lambda: login.exists("form#login"), "form#login")
    login.find("input#username").send_keys(locked)
    login.find("input#password").send_keys(password)
    login.click("form#login button[type=submit]")
    login.wait(lambda: "锁定" in (login.text("#error") or ""), "the lock message in #error")
    s.shot(login, "lock-message")
    open_list(b)
    paste(b, [locked, "202211019"])
    redraw(b, lambda: b.click("button#paste-search"), "the two pasted students")
    b.click("input#select-page")
    b.click('button[data-batch="unlock"]')
    dialog_open(b, "dialog#batch-dialog")
    b.click("button#batch-run")
    b.wait(lambda: b.exists(f'table#batch-results tbody tr[data-id="{locked}"] td.result'), "the unlock's result")
    s.shot(b, "batch-unlock-results")
    result = b.text(f'table#batch-results tbody tr[data-id="{locked}"] td.result')
    check(result == "成功", f"unlocking {locked} shows {result!r}")
    status, answer = api.call("POST", "auth/login", {"username": locked, "password": password})
    check(status == 200, f"after 解锁账号 the student still cannot sign in: {status} {answer}")
    close_dialogs(b)


def password_change(ctx, s):
    """After an admin reset, sign-in goes through form#password-change; then 退出, and the new
    password signs in while the temporary one no longer does."""
    user, temporary, fresh = "counselor-pw", "Temp-2026-pass", "New-2026-pass"
    ctx.daemon.ctl("user", "add", user, "--name", "测试辅导员", "--role", "counselor", "--classes", "会计2201", "--password", PASSWORD)
    ctx.daemon.ctl("user", "reset-password", user, "--password", temporary)
    b = ctx.new_browser(user)
    b.open("/login")
    b.wait(lambda: b.exists("form#login"), "form#login")
    b.find("input#username").send_keys(user)
    b.find("input#password").send_keys(temporary)
    b.click("form#login button[type=submit]")
    b.wait(lambda: b.exists("form#password-change"), "form#password-change after a reset")
    b.find("#old-password").send_keys(temporary)
    b.find("#new-password").send_keys(fresh)
    b.find("#new-password-again").send_keys(fresh + "x")
    b.click("form#password-change button[type=submit]")
    b.wait(lambda: bool(b.text("#error")), "#error for two different new passwords")
    s.shot(b, "mismatch")
    b.find("#new-password-again").clear()
    b.find("#new-password-again").send_keys(fresh)
    b.click("form#password-change button[type=submit]")
    b.wait_shell()
    s.shot(b, "signed-in")
    b.click("button#logout")
    b.wait(lambda: b.exists("form#login"), "form#login after 退出")
    status = b.driver.execute_async_script("const done = arguments[arguments.length - 1];"
                                           "fetch('/api/v1/auth/me', {credentials: 'same-origin'}).then(r => done(r.status), e => done(String(e)));")
    check(status == 401, f"after 退出 the browser's cookie still has a session: auth/me answers {status}")
    check(ctx.api.call("POST", "auth/login", {"username": user, "password": temporary})[0] != 200, "the temporary password still signs in")
    b.sign_in(user, fresh)
    check(user in (b.text("#whoami") or "") or "测试辅导员" in (b.text("#whoami") or ""), f"#whoami says {b.text('#whoami')!r}")


def close_dialogs(b):
    b.js("document.querySelectorAll('dialog[open]').forEach(d => d.close())")


def export_xlsx(ctx, s):
    """The export screen downloads a real XLSX; openpyxl reads the same header and rows as the
    same export through the admin socket."""
    b = ctx.browser("school")
    b.go(f"/export/{KIND}")
    b.wait_ready("export", kind=KIND)
    b.click('input[type=radio][name=preset][value="national"]')
    b.select("select#export-format", "xlsx")
    s.shot(b, "form")
    first = download(b, lambda: b.click("button#export-start"))
    b.wait(lambda: b.exists("a#export-download"), "a#export-download")
    s.shot(b, "done")
    got = list(openpyxl.load_workbook(first, read_only=True).active.iter_rows(values_only=True))
    reference = ctx.work / "reference.xlsx"
    ctx.daemon.ctl("export", KIND, reference, "--preset", "national", "--format", "xlsx")
    want = list(openpyxl.load_workbook(reference, read_only=True).active.iter_rows(values_only=True))
    check(got[0] == want[0], f"the header differs from jiuyectl export's: {got[0][:6]} vs {want[0][:6]}")
    check(any("学号" in str(h or "") for h in got[0]) or any("姓名" in str(h or "") for h in got[0]), f"header: {got[0][:8]}")
    check(len(got) == len(want) and len(got) > 1, f"the download has {len(got) - 1} rows, jiuyectl export {len(want) - 1}")
    check(sorted(map(str, got[1:])) == sorted(map(str, want[1:])), "the rows differ from jiuyectl export's")

    # 导出 from a filtered list (a#export-link): the list's filter is carried over
    want_ids = {r["id"] for r in ctx.api.all_records(KIND, ctx.api.token("school"), "level.counselor=approved")}
    open_list(b, query="level.counselor=approved")
    b.click("a#export-link")
    b.wait_ready("export", kind=KIND)
    b.select("select#export-format", "xlsx")
    filtered = download(b, lambda: b.click("button#export-start"))
    s.shot(b, "filtered-done")
    rows = list(openpyxl.load_workbook(filtered, read_only=True).active.iter_rows(values_only=True))
    column = next((i for i, h in enumerate(rows[0]) if str(h or "").strip() == "学号"), None)
    check(column is not None, f"the filtered export has no 学号 column: {rows[0][:8]}")
    ids = {str(r[column]) for r in rows[1:]}
    check(ids == want_ids, f"the export of the filtered list has {len(ids)} students, the list {len(want_ids)}; "
                           f"extra {sorted(ids - want_ids)[:5]}, missing {sorted(want_ids - ids)[:5]}")


def download(b, action, timeout=120):
    """Runs `action` and waits for a complete .xlsx in the browser's download folder that is new
    or rewritten (downloads allowed through DevTools replace a file of the same name)."""
    def state():
        return {f: (f.stat().st_mtime_ns, f.stat().st_size) for f in b.downloads.iterdir()}
    before = state()
    action()
    deadline = time.time() + timeout
    while time.time() < deadline:
        now = state()
        files = [f for f, st in now.items() if f.suffix == ".xlsx" and before.get(f) != st]
        if files and not list(b.downloads.glob("*.crdownload")):
            return files[0]
        time.sleep(0.3)
    raise Failure(f"no new XLSX downloaded in {timeout} s (#status {b.text('#status')!r}, #error {b.text('#error')!r}; "
                  f"the download folder holds {sorted(f.name for f in b.downloads.iterdir())})")


def yaml_kind(ctx, s):
    """A kind declared only in plugins.yaml (实习登记) gets its list, detail and review screens,
    and export and statistics."""
    api = ctx.api
    students = ["202211019", "202211020"]
    values = {"202211019": {"company": "示例实习有限公司", "startDate": "2026-03-01"},
              "202211020": {"company": XSS, "startDate": "2026-03-02"}}
    ids = {}
    for number in students:
        token = student_token(ctx, number)
        status, r = api.call("POST", "records/internship", {"student": number, "values": values[number]}, token=token)
        if status == 409:   # already created by an earlier run of this scenario in the same daemon
            r = api.ok("GET", f"records/internship/{number}", token=token)
        else:
            check(status in (200, 201), f"creating an internship record: {status} {r}")
        ids[number] = r["id"]
        if r["state"] != "pending:counselor":
            api.ok("POST", f"records/internship/{r['id']}/submit", token=token)
    ctx.state["internship-xss"] = ids["202211020"]
    b = ctx.browser("counselor-se")
    open_home(b)
    check(b.exists('nav#nav a[data-kind="internship"]'), 'nav#nav has no a[data-kind="internship"]')
    check(b.exists('section.kind-card[data-kind="internship"]'), "the home screen has no card for 实习登记")
    s.shot(b, "home")
    b.click('nav#nav a[data-kind="internship"]')
    b.wait_ready("list", kind="internship")
    all_cohorts(b)
    check(set(ids.values()) <= set(row_ids(b)), f"the 实习登记 list shows {row_ids(b)}, not {sorted(ids.values())}")
    s.shot(b, "list")
    target = ids["202211019"]
    open_detail(b, target, kind="internship")
    check(b.exists('div.field[data-field="company"]') and b.exists("fieldset legend"), "the detail has no company field in a fieldset")
    s.shot(b, "detail")
    press_action(b, "approve", "待学校审核")
    s.shot(b, "approved")
    r = api.ok("GET", f"records/internship/{target}", token=api.token("school"))
    check(r["state"] == "pending:school", f"after 通过 the API says {r['state']}")
    b.go("/export/internship")
    b.wait_ready("export", kind="internship")
    check(b.exists('input[type=checkbox][name=field][value="company"]'), "the 实习登记 export has no company checkbox")
    b.go("/stats/internship")
    b.wait_ready("stats", kind="internship")
    check(b.exists("table#stats-table"), "no table#stats-table for 实习登记")
    s.shot(b, "stats")


def xss(ctx, s):
    """A record value `<img src=x onerror=alert(1)>` (set by students through the API) shows as
    text in the list and the detail, and runs nothing."""
    api = ctx.api
    target = ctx.state.get("rejected")
    if not target or record(ctx, target)["values"].get("homeAddress") != XSS:
        target = ctx.resubmitted_through_api()
        api.ok("POST", f"records/{KIND}/{target}/review", {"action": "approve", "copyFill": True}, token=api.token("cs-college"))
    check(record(ctx, target)["values"].get("homeAddress") == XSS, "the payload is not in the official values")
    b = ctx.browser("school")
    open_list(b)
    if "homeAddress" not in columns(b):
        b.click("button#columns-button")
        dialog_open(b, "dialog#columns-dialog")
        b.click('dialog#columns-dialog input[name=column][value="homeAddress"]')
        redraw(b, lambda: b.click("button#columns-save"), "the list with 家庭住址")
    paste(b, [target])
    redraw(b, lambda: b.click("button#paste-search"), "the pasted record")
    check(cell(b, target, "homeAddress") == XSS, f"the list's 家庭住址 cell shows {cell(b, target, 'homeAddress')!r}")
    no_injected_markup(b)
    s.shot(b, "list")
    open_detail(b, target)
    time.sleep(0.5)   # an onerror handler would fire as soon as the image failed to load
    no_injected_markup(b)
    control = b.js("const c = document.querySelector('[name=\"homeAddress\"]'); return c ? c.value : null")
    student = b.text('div.field[data-field="homeAddress"] .student-value')
    check(XSS in (control, student), f"the detail shows homeAddress as {control!r} / {student!r}")
    b.scroll_to('div.field[data-field="homeAddress"]')
    s.shot(b, "detail")
    internship = ctx.state.get("internship-xss")
    if internship:
        open_list(b, "internship")
        check(cell(b, internship, "company") == XSS, f"the 实习登记 list's 实习单位 shows {cell(b, internship, 'company')!r}")
        no_injected_markup(b)
        open_detail(b, internship, kind="internship")
        time.sleep(0.5)
        no_injected_markup(b)
        s.shot(b, "internship-detail")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


EVIL = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>evil</title></head><body>
<form id="f" method="POST" enctype="text/plain" action="{base}/api/v1/records/source-info/batch">
<input type="hidden" name='{{"action":"modify","ids":["{id}"],"field":"sponsorEmployer","value":"CSRF","x":"' value='"}}'>
</form>
<script>
if (location.hash === "#fetch") {{
  fetch("{base}/api/v1/records/source-info/batch", {{method: "POST", credentials: "include", mode: "no-cors",
    body: JSON.stringify({{action: "modify", ids: ["{id}"], field: "sponsorEmployer", value: "CSRF"}})}})
    .then(() => {{ document.title = "sent"; }}, () => {{ document.title = "sent"; }});
}} else {{
  document.getElementById("f").submit();
}}
</script></body></html>"""


def csrf(ctx, s):
    """With the session cookie in the browser, writes from another origin and cookie writes without
    X-CSRF-Token are refused with 403 and change nothing; the same write with the token succeeds."""
    api = ctx.api
    b = ctx.browser("school")
    target = next(r["id"] for r in api.all_records(KIND, api.token("school"), "state=pending:counselor")
                  if not r["values"].get("sponsorEmployer"))
    status, _, headers = api.fetch("/console/")
    csp = headers.get("Content-Security-Policy", "")
    check(status == 200, f"GET /console/ answers {status}")
    for need in ("script-src 'self'", "frame-ancestors 'none'", "require-trusted-types-for 'script'"):
        check(need in csp, f"the CSP lacks {need}: {csp!r}")
    check("unsafe-inline" not in csp and "unsafe-eval" not in csp, f"the CSP allows unsafe-inline/eval: {csp!r}")
    cookie = next((c for c in b.driver.get_cookies() if c["name"] == "jiuye_session"), None)
    check(cookie and cookie.get("httpOnly") and cookie.get("sameSite") == "Strict", f"the session cookie: {cookie}")

    # another origin on loopback: the cookie goes along (same site, other port), the Origin is foreign
    evil_dir = ctx.work / "evil"
    evil_dir.mkdir(exist_ok=True)
    (evil_dir / "index.html").write_text(EVIL.format(base=ctx.daemon.base, id=target))
    handler = partial(QuietHandler, directory=str(evil_dir))
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        b.driver.get(f"http://127.0.0.1:{port}/index.html")
        b.wait(lambda: b.driver.current_url.startswith(ctx.daemon.base), "the cross-origin form to reach jiuyed")
        body = b.js("return document.body.innerText")
        s.shot(b, "cross-origin-form")
        check("csrf_refused" in body, f"the cross-origin form POST was answered: {body[:300]!r}")
        b.driver.get(f"http://127.0.0.1:{port}/index.html#fetch")
        b.wait(lambda: b.driver.title == "sent", "the cross-origin fetch")
        time.sleep(0.5)
    finally:
        server.shutdown()
        server.server_close()
    check(not record(ctx, target)["values"].get("sponsorEmployer"), "a cross-origin write changed the record")

    # same origin, the cookie, no X-CSRF-Token: refused; with it: done (the check can see a change)
    open_home(b)
    fetch = """const done = arguments[arguments.length - 1];
        const headers = {'Content-Type': 'application/json'};
        if (arguments[1]) headers['X-CSRF-Token'] = arguments[1];
        fetch('/api/v1/records/source-info/batch', {method: 'POST', credentials: 'same-origin', headers,
              body: JSON.stringify({action: 'modify', ids: [arguments[0]], field: 'sponsorEmployer', value: arguments[2]})})
          .then(async r => done([r.status, await r.text()]), e => done([0, String(e)]));"""
    status, body = b.driver.execute_async_script(fetch, target, None, "无令牌")
    check(status == 403 and "csrf_refused" in body, f"a cookie POST without X-CSRF-Token: {status} {body[:200]}")
    check(not record(ctx, target)["values"].get("sponsorEmployer"), "the write without a CSRF token changed the record")
    me = b.driver.execute_async_script("const done = arguments[arguments.length - 1];"
                                       "fetch('/api/v1/auth/me', {credentials: 'same-origin'}).then(r => r.json()).then(done, e => done(String(e)));")
    token = me.get("csrfToken") if isinstance(me, dict) else None
    check(token, f"GET /api/v1/auth/me with the cookie has no csrfToken: {me}")
    status, body = b.driver.execute_async_script(fetch, target, token, "有令牌")
    check(status == 200, f"the same POST with X-CSRF-Token: {status} {body[:200]}")
    check(record(ctx, target)["values"].get("sponsorEmployer") == "有令牌", "the write with the token did not change the record")
    s.shot(b, "same-origin")


def accessibility(ctx, s):
    """axe-core on the login, home, list, detail, export and statistics screens: no serious or
    critical violation. Logs during axe's own run are not the console's and are set aside."""
    b = ctx.browser("school")
    screens = [("home", "/home", None, {}), ("list", f"/list/{KIND}", "list", {"kind": KIND}),
               ("detail", f"/record/{KIND}/{ctx.state.get('rejected') or '202211001'}", "detail", {"kind": KIND}),
               ("export", f"/export/{KIND}", "export", {"kind": KIND}), ("stats", f"/stats/{KIND}", "stats", {"kind": KIND})]
    open_home(b)
    pages = b.js("return [...document.querySelectorAll('nav#nav a[data-page]')].map(a => a.dataset.page)")
    check(pages, "nav#nav has no plugin page (a[data-page]), e.g. 去向落实率")
    screens.append(("page", f"/page/{pages[0]}", "page", {"page": pages[0]}))
    found, keyboard = {}, []
    for name, route, main, attrs in screens:
        if main:
            b.open(route)
            b.wait_ready(main, **attrs)
        else:
            open_home(b)
        if name == "page":
            b.wait(lambda: b.exists("table#page-table"), "table#page-table")
        s.shot(b, name)
        s.check_logs(b)
        found[name] = axe_violations(b)
        b.drain_log()
    # keyboard: the skip link (when the console has one) moves the focus into the screen, not away from it
    b.open(f"/list/{KIND}")
    b.wait_ready("list", kind=KIND)
    if b.exists("a.skip, a[href='#main']"):
        b.js("document.querySelector(\"a.skip, a[href='#main']\").focus()")
        b.driver.switch_to.active_element.send_keys(Keys.ENTER)
        time.sleep(0.5)
        b.idle()
        if not b.exists(f'main#list[data-kind="{KIND}"]'):
            shown = b.js("return document.querySelector('main').id")
            keyboard.append(f"the skip link (a.skip) leaves the list: the address becomes {b.driver.current_url.split('#', 1)[-1]!r} "
                            f"and main#{shown} is drawn")
    b.click("button#logout")
    b.wait(lambda: b.exists("form#login"), "form#login after 退出")
    s.shot(b, "login")
    s.check_logs(b)
    found["login"] = axe_violations(b)
    b.drain_log()
    ctx.forget("school")
    bad = {k: v for k, v in found.items() if v}
    axe = ["axe: " + " | ".join(f"{k}: {'; '.join(v)}" for k, v in bad.items())] if bad else []
    check(not axe and not keyboard, "; ".join(axe + keyboard))


ALL = [scope, counselor_list, counselor_reject, student_resubmits, college_copy_fill, school_batch,
       export_xlsx, yaml_kind, xss, csrf, password_change, accessibility]

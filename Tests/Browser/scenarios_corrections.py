"""Issue 19's registry corrections (学籍信息更正) as the console shows them: the school's detail
screen offers the greyed registry field 姓名 as an input, saves it, and the timeline names the
correction with the old and new value; the college (not granted in plugins.yaml) still sees it greyed."""

from harness import check
from scenarios import KIND, open_detail, record

TARGET = "202211005"
NEW_NAME = "更正测试"


def school_corrects_registry(ctx, s):
    """The school corrects 姓名 on the detail screen; the history names it; the college cannot."""
    old = record(ctx, TARGET)["values"]["name"]
    name_control = "div.field[data-field=\"name\"] [name=\"name\"]"
    college = ctx.browser("cs-college")
    open_detail(college, TARGET)
    check(college.js(f"const c = document.querySelector('{name_control}'); return !!c && c.disabled"),
          "the college's 姓名 is not a disabled control (plugins.yaml does not let the college correct)")
    b = ctx.browser("school")
    open_detail(b, TARGET)
    check(b.js(f"const c = document.querySelector('{name_control}'); return !!c && !c.disabled"),
          "the school's 姓名 is not an enabled control")
    b.js(f"const c = document.querySelector('{name_control}'); c.value = arguments[0];"
         "c.dispatchEvent(new Event('input', {bubbles: true})); c.dispatchEvent(new Event('change', {bubbles: true}))", NEW_NAME)
    s.shot(b, "typed")
    b.click("button#save")
    b.wait(lambda: record(ctx, TARGET)["values"].get("name") == NEW_NAME, "the corrected 姓名 in the API")
    b.idle()
    b.wait_ready("detail", kind=KIND, id=TARGET)
    b.wait(lambda: "更正学籍信息" in (b.text("ol#history") or ""), "ol#history naming 更正学籍信息")
    history = b.text("ol#history") or ""
    check(f"姓名：{old} → {NEW_NAME}" in history, f"the history does not give the old and new 姓名: {history!r}")
    b.scroll_to("ol#history")
    s.shot(b, "corrected")


ALL = [school_corrects_registry]

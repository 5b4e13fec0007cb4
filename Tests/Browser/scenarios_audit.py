"""Issue 19's browser scenario: the record page's 数据核查 notice, drawn from the record's audit
route, as text, with the other record it concerns."""

import scenarios
from harness import check


def audit_notice(ctx, s):
    """Two software students' 就业信息 carry the same proof: the counselor's record page of one
    shows 数据核查提示 with 证明材料重复 and names the other; a record without flags shows none."""
    api, school = ctx.api, ctx.api.token("school")
    proof = b"%PDF-1.4\n% the same offer letter, twice\n" + b"0" * 400
    for number in ("202211011", "202211012"):
        status, _ = api.call("POST", "records/employment-info", {"student": number, "values": {"destination": "70"}}, token=school)
        check(status in (200, 409), f"creating 就业信息 of {number}: {status}")
        api.ok("POST", f"records/employment-info/{number}/materials?name=offer.pdf", proof, token=school)
    b = ctx.browser("counselor-se")
    scenarios.open_detail(b, "202211011", kind="employment-info")
    b.wait(lambda: b.text("#audit-notice"), "the 数据核查 notice")
    notice = b.text("#audit-notice")
    check("数据核查提示" in notice and "证明材料重复" in notice, f"the notice says: {notice!r}")
    check("202211012" in notice, f"the notice names the other student: {notice!r}")
    s.shot(b, "notice")
    status, _ = api.call("POST", "records/employment-info", {"student": "202211013", "values": {"destination": "70"}}, token=school)
    check(status in (200, 409), f"creating 就业信息 of 202211013: {status}")
    scenarios.open_detail(b, "202211013", kind="employment-info")
    check(not b.driver.find_elements("css selector", "#audit-notice"), "a record without flags has no notice")


ALL = [audit_notice]

#!/usr/bin/env python3
"""The console's browser tests: a real `jiuyed serve --demo` on loopback (a temp LMDB, a copy of
plugins.yaml with a kind declared in YAML only), the real admin socket for seeding, and Debian's
headless Chromium driven through chromedriver. Runs every scenario of issue 16, writes screenshots
to test-output/browser/, fails a scenario on any check, CSP or Trusted Types message or JS error
in the browser log, and exits non-zero when one failed.

    python3 Tests/Browser/run.py [--bin .build/debug] [--only scope,xss] [--keep]
"""

import argparse
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fixtures  # noqa: E402
import scenarios  # noqa: E402
import scenarios_agreements  # noqa: E402
import scenarios_students  # noqa: E402
from harness import OUTPUT, ROOT, Api, Browser, Daemon, Failure, check  # noqa: E402
import scenarios_library  # noqa: E402
import scenarios_corrections  # noqa: E402
import scenarios_audit  # noqa: E402

# Issue 16's staff scenarios, then issue 17's: employers and 三方协议, the student's console, 解约 and 简历库;
# issue 19's registry corrections and 数据核查.
ALL = (scenarios.ALL + scenarios_agreements.ALL + scenarios_students.ALL + scenarios_library.ALL
       + scenarios_corrections.ALL + scenarios_audit.ALL)


class Steps:
    """What a scenario records: screenshots named scenario-step, and the browser-log check."""

    def __init__(self, name):
        self.name = name
        self.shots = []

    def shot(self, browser, step):
        self.shots.append(browser.shot(self.name, step))

    def check_logs(self, browser):
        bad = Browser.problems(browser.drain_log())
        check(not bad, f"the browser log of {browser.name} has: " + " | ".join(bad[:5]))


class Context:
    """Shared by the scenarios: the daemon, the API, one signed-in browser per role."""

    def __init__(self, daemon, work):
        self.daemon = daemon
        self.api = Api(daemon.base)
        self.work = Path(work)
        self.browsers = {}
        self.extra = []
        self.state = {}

    def new_browser(self, name):
        b = Browser(self.daemon.base, name)
        self.extra.append(b)
        return b

    def keep(self, user, browser):
        old = self.browsers.get(user)
        if old and old is not browser:
            old.quit()
        self.browsers[user] = browser

    def forget(self, user):
        self.browsers.pop(user, None)

    def browser(self, user):
        """The browser of `user`, signed in through the login form the first time it is asked for."""
        if user not in self.browsers:
            self.keep(user, self.new_browser(user).sign_in(user))
        return self.browsers[user]

    def open_browsers(self):
        return [b for b in self.extra if not b.closed]

    def close_all(self):
        for b in self.open_browsers():
            try:
                b.quit()
            except Exception:  # noqa: BLE001 — closing what may already be gone
                pass

    # prerequisites through the API, so a scenario does not fail only because an earlier one did

    def reject_through_api(self):
        counselor = self.api.token("counselor-se")
        pending = self.api.all_records(scenarios.KIND, counselor, "state=pending:counselor")
        target = next(r["id"] for r in pending if r["class"] == "软件2201")
        self.api.ok("POST", f"records/{scenarios.KIND}/{target}/review", {"action": "reject", "reason": "incorrect", "note": "API"},
                    token=counselor)
        self.state["rejected"] = target
        return target

    def resubmitted_through_api(self):
        target = self.reject_through_api()
        token = scenarios.student_token(self, target)
        self.api.ok("PATCH", f"records/{scenarios.KIND}/{target}", {"values": scenarios.PERSONAL}, token=token)
        self.api.ok("POST", f"records/{scenarios.KIND}/{target}/submit", token=token)
        self.api.ok("POST", f"records/{scenarios.KIND}/{target}/review", {"action": "approve"}, token=self.api.token("counselor-se"))
        return target


def run_one(ctx, fn):
    name = fn.__name__.replace("_", "-")
    steps = Steps(name)
    for b in ctx.open_browsers():
        b.drain_log()   # what an earlier scenario left is that scenario's
        b.touched = False
    start = time.time()
    error = None
    try:
        fn(ctx, steps)
        for b in ctx.open_browsers():
            steps.check_logs(b)
    except Failure as e:
        error = str(e)
    except Exception as e:  # noqa: BLE001 — a Selenium or API error is this scenario's failure too
        error = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}\n" + "".join(traceback.format_tb(e.__traceback__)[-3:])
    if error:
        for b in [b for b in ctx.open_browsers() if b.touched]:
            try:
                steps.shot(b, f"FAILED-{b.name}")
            except Exception:  # noqa: BLE001
                pass
    return name, error, time.time() - start, steps.shots


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=str(ROOT / ".build" / "debug"), help="where jiuyed and jiuyectl are")
    parser.add_argument("--only", default="", help="comma-separated scenario names (e.g. scope,xss)")
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    parser.add_argument("--console-dir", default="", help="serve the console from this directory (jiuyed --console-dir)")
    args = parser.parse_args()

    chosen = [f for f in ALL if not args.only or f.__name__.replace("_", "-") in args.only.replace("_", "-").split(",")]
    if not chosen:
        sys.exit(f"no scenario named {args.only}; there are {', '.join(f.__name__ for f in ALL)}")
    shutil.rmtree(OUTPUT, ignore_errors=True)
    OUTPUT.mkdir(parents=True)
    work = Path(tempfile.mkdtemp(prefix="jiuye-browser-"))
    config = fixtures.write_config(work)
    extra = ["--console-dir", args.console_dir] if args.console_dir else []
    daemon = Daemon(args.bin, config, data=work / "data", extra_args=extra)
    (work / "data").mkdir()
    results = []
    ctx = None
    try:
        try:
            daemon.start()
            fixtures.prepare(daemon, work)
        except (RuntimeError, OSError) as e:
            print(f"FAIL setup: {e}", flush=True)
            sys.exit(1)
        ctx = Context(daemon, work)
        for fn in chosen:
            name, error, seconds, shots = run_one(ctx, fn)
            results.append((name, error))
            print(f"{'PASS' if not error else 'FAIL'} {name} ({seconds:.1f} s, {len(shots)} screenshots)", flush=True)
            if error:
                print("     " + error.replace("\n", "\n     "), flush=True)
    finally:
        if ctx:
            ctx.close_all()
        daemon.stop()
        if args.keep:
            print(f"data kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    failed = [n for n, e in results if e]
    print(f"\n{len(results) - len(failed)} of {len(results)} scenarios passed; screenshots in {OUTPUT.relative_to(ROOT)}/")
    if failed:
        print("failed: " + ", ".join(failed))
        sys.exit(1)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Benchmark of the web console (issue 16), on a release build and a made-up school:

- the console's assets, uncompressed, in all (the files under console/; target <= 100 KB);
- a 200-row list page drawn in headless Chromium (target <= 100 ms): the console's own
  `data-draw-ms` on main#list (request + drawing, from performance.now()), the time from a hash
  change to main#list[data-ready], and the `jiuye:list-drawn` mark from a full page load;
- a search of 2000 pasted student numbers to its first page shown (target <= 500 ms), from the
  press of 查询 to the rows drawn, timed in the page with performance.now().

    swift build -c release --product jiuyed --product jiuyectl
    python3 bench/console.py [--bin .build/release] [--students 100000] [--runs 10]
"""

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Tests" / "Browser"))

from harness import ROOT, Api, Browser, Daemon  # noqa: E402

LIST = "/list/source-info?size=200"

# In the page: change the hash, wait for the new main#list to be ready, answer the elapsed ms and
# the console's own data-draw-ms. Polling with setTimeout(0) keeps the resolution near 1 ms.
HASH_TIMING = """
const done = arguments[arguments.length - 1];
const t0 = performance.now();
const old = document.querySelector('main');
// added after the console's own listener: it runs once the console's route reached its first await
let routed = -1;
window.addEventListener('hashchange', () => { routed = performance.now() - t0; }, {once: true});
location.hash = arguments[0];
(function poll() {
  const m = document.querySelector('main#list[data-ready="1"]');
  if (m && m !== old && document.body.dataset.busy !== '1' && m.dataset.drawMs) {
    const ready = performance.now() - t0;
    const rows = m.querySelectorAll('table#records tbody tr[data-id]').length;
    // the frame after: style, layout and paint of what was drawn
    requestAnimationFrame(() => setTimeout(() =>
      done([ready, Number(m.dataset.drawMs), rows, fetched(t0, '/records/'), performance.now() - t0, routed]), 0));
  } else if (performance.now() - t0 > 60000) { done([-1, -1, 0, [0, 0], 0, -1]); } else { setTimeout(poll, 0); }
})();
""" 

# The request's own time (resource timing: request sent to response read) of the last API call
# whose address has `part`, started after t0: what the server and the wire took of the total.
FETCHED = """
function fetched(t0, part) {
  const e = performance.getEntriesByType('resource').filter(r => r.startTime >= t0 && r.name.includes(part)).pop();
  return e ? [e.responseEnd - e.startTime, e.encodedBodySize] : [-1, 0];
}
"""
HASH_TIMING = FETCHED + HASH_TIMING

# In the page: press 查询 with the textarea filled, wait until the old rows are gone and the new
# first page is drawn.
PASTE_TIMING = """
const done = arguments[arguments.length - 1];
const t = document.querySelector('textarea#paste');
const d = t.closest('details'); if (d) d.open = true;
t.value = arguments[0];
t.dispatchEvent(new Event('input', {bubbles: true}));
document.querySelectorAll('table#records tbody tr').forEach(r => r.dataset.benchOld = '1');
const t0 = performance.now();
document.querySelector('button#paste-search').click();
(function poll() {
  const rows = document.querySelectorAll('table#records tbody tr[data-id]');
  if (!document.querySelector('table#records tbody tr[data-bench-old]') && rows.length && document.body.dataset.busy !== '1') {
    const shown = performance.now() - t0;
    requestAnimationFrame(() => setTimeout(() =>
      done([shown, rows.length, document.querySelectorAll('ul#unmatched li').length, fetched(t0, '/search'), performance.now() - t0]), 0));
  } else if (performance.now() - t0 > 60000) { done([-1, 0, 0, [0, 0], 0]); } else { setTimeout(poll, 0); }
})();
"""
PASTE_TIMING = FETCHED + PASTE_TIMING


def asset_sizes():
    console = ROOT / "console"
    files = [f for f in console.rglob("*") if f.is_file()]
    shipped = [f for f in files if "test" not in f.relative_to(console).parts]
    return sum(f.stat().st_size for f in files), sum(f.stat().st_size for f in shipped), len(shipped)


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def describe(values):
    return f"median {statistics.median(values):.1f} ms, p90 {pct(values, 90):.1f}, min {min(values):.1f}, max {max(values):.1f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=str(ROOT / ".build" / "release"))
    parser.add_argument("--students", type=int, default=100000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    total, shipped, count = asset_sizes()
    work = Path(tempfile.mkdtemp(prefix="jiuye-console-bench-"))
    shutil.copy(ROOT / "plugins.yaml", work / "plugins.yaml")
    daemon = Daemon(args.bin, work / "plugins.yaml", data=work / "data", demo=False, extra_args=["--log-level", "error"])
    (work / "data").mkdir()
    browser = None
    try:
        daemon.start()
        t = time.time()
        daemon.ctl("seed", "institution", "--students", args.students, timeout=1800)
        print(f"seeded {args.students} students in {time.time() - t:.0f} s", file=sys.stderr)
        api = Api(daemon.base)
        token = api.token("school")
        numbers = []
        after = None
        while len(numbers) < 1990:
            page = api.ok("GET", "records/source-info?size=200&fields=studentNumber" + (f"&after={after}" if after else ""), token=token)
            numbers += [r["id"] for r in page["records"]]
            after = page["next"]
        pasted = "\n".join(numbers[:1990] + [f"29990{n:04d}" for n in range(10)])

        browser = Browser(daemon.base, "bench")
        browser.sign_in("school")

        loads, marks = [], []
        for _ in range(args.runs):
            browser.open(LIST)
            browser.wait_ready("list", kind="source-info", timeout=60)
            draw = float(browser.js("return document.querySelector('main#list').dataset.drawMs"))
            mark = browser.js("const m = performance.getEntriesByName('jiuye:list-drawn'); return m.length ? m[m.length - 1].startTime : null")
            loads.append(draw)
            if mark is not None:
                marks.append(mark)
        hashes, draws, list_requests, painted, routes = [], [], [], [], []
        for i in range(args.runs):
            # alternate two addresses so every run is a new screen
            elapsed, draw, rows, (request, _), paint, routed = browser.driver.execute_async_script(HASH_TIMING, LIST + ("&sort=-id" if i % 2 == 0 else "&sort=id"))
            if elapsed < 0 or rows != 200:
                raise SystemExit(f"the 200-row page did not draw (rows {rows})")
            hashes.append(elapsed)
            draws.append(draw)
            list_requests.append(request)
            painted.append(paint)
            routes.append(routed)
        pastes, search_requests, paste_painted = [], [], []
        for _ in range(args.runs):
            browser.open("/list/source-info?size=200")
            browser.wait_ready("list", kind="source-info", timeout=60)
            elapsed, rows, unmatched, (request, size), paint = browser.driver.execute_async_script(PASTE_TIMING, pasted)
            if elapsed < 0:
                raise SystemExit("the 2000-value search did not draw its first page")
            pastes.append(elapsed)
            search_requests.append(request)
            paste_painted.append(paint)
    finally:
        if browser:
            browser.quit()
        daemon.stop()
        shutil.rmtree(work, ignore_errors=True)

    rows = [
        ("console assets, uncompressed (console/, without test/)", f"{shipped / 1024:.1f} KB in {count} files "
                                                                   f"({total / 1024:.1f} KB with test/)", "<= 100 KB"),
        ("200-row page: request + draw (data-draw-ms, hash change)", describe(draws), "<= 100 ms"),
        ("  of which the GET of the page (resource timing)", describe(list_requests), ""),
        ("200-row page: hash change to main#list ready", describe(hashes), ""),
        ("  of which hashchange to the console's route at its request", describe(routes), ""),
        ("200-row page: hash change to the next frame (painted)", describe(painted), ""),
        ("200-row page: data-draw-ms on a full page load", describe(loads), ""),
        ("full page load to jiuye:list-drawn (performance mark)", describe(marks) if marks else "no mark", ""),
        ("search of 2000 pasted numbers to its first page (200 rows)", describe(pastes), "<= 500 ms"),
        ("  of which the POST …/search (resource timing)", describe(search_requests), ""),
        ("  the search's answer as the console asks it (1990 matches)", f"{size / 1024:.0f} KB", ""),
        ("search of 2000 to the next frame (painted)", describe(paste_painted), ""),
    ]
    print(f"\nconsole benchmark: {args.students} students, release binaries in {args.bin}, headless Chromium, {args.runs} runs each\n")
    width = max(len(r[0]) for r in rows)
    print(f"{'what'.ljust(width)}  figure  (target)")
    for what, figure, target in rows:
        print(f"{what.ljust(width)}  {figure}" + (f"  ({target})" if target else ""))


if __name__ == "__main__":
    main()

"""bench/run's tables from the figures run.py measured: issue 18's operations with the figure,
the issue's "before", the target and whether it is met (by how much it is missed), then the
other figures of the run."""
import os


def n(v):
    return f"{v:,.0f}"


def ms(v):
    return f"{v:.2f} ms"


def at_least(value, bar, what=""):
    return value >= bar, f"{what}{100 * (1 - value / bar):.0f} % short" if bar else ""


def at_most(value, bar, what=""):
    return value <= bar, f"{what}{100 * (value / bar - 1):.0f} % over"


def verdict(checks):
    if not checks:
        return ""
    missed = [note for ok, note in checks if not ok]
    return "met" if not missed else "**missed**: " + ", ".join(missed)


def wrk_text(r, nginx=None):
    share = f" = {100 * r['rate'] / nginx['rate']:.0f} % of nginx" if nginx else ""
    return f"{n(r['rate'])} req/s{share}, p99 {ms(r['p99'])}, {r['cpu_us']:.0f} µs CPU a request"


def errors_text(r):
    """wrk's errors, the answers refused apart from the sockets' (a timeout is an answer later than 2 s)."""
    if not r["errors"]:
        return "0 errors"
    return f"{r['errors']} errors ({r['non2xx']} non-2xx; socket errors: {r['socket_detail'] or 0})"


def kb(b):
    return f"{b / 1024:,.0f} KB"


def list_rows(m):
    rate, pg = m["list"]["rate"], m["pg"]["rate"]
    small, big = m["list_small"]["cpu_us"], m["list"]["cpu_us"]
    ratio = big / small
    return [
        ("list page, 3 filters (cohort 2026, random college, counselor level approved), 20 rows (wrk -c64)",
         wrk_text(m["list"]), "1 600 req/s", f"≥ PostgreSQL's bare query: {n(pg)} tps", [at_least(rate, pg)]),
        ("PostgreSQL 15, the same page's query bare: indexed, no HTTP (pgbench -M prepared -c64 -j2, random college)",
         f"{n(pg)} tps, latency {ms(m['pg']['latency'])} average", "5 300 tps", "the bar above", []),
        (f"list page, CPU of the daemon a page: {m['small_students']:,} against {m['students']:,} students",
         f"{small:.0f} µs against {big:.0f} µs: ×{ratio:.2f}", "598 µs against 1 140 µs: ×1.91", "the same, ±15 %",
         [(abs(ratio - 1) <= 0.15, f"×{ratio:.2f}, {100 * (abs(ratio - 1) - 0.15):.0f} points outside")]),
    ]


def request_rows(m):
    g, nginx, health = m["get_one"], m["nginx"], m["health"]
    of_health = g["rate"] / health["rate"]
    return [
        ("GET one record, random student (wrk -c64)", wrk_text(g, nginx) + f", {100 * of_health:.0f} % of /health",
         "11 400 req/s = 16–23 % of nginx", "≥ 30 % of nginx, ≥ 80 % of /health",
         [at_least(g["rate"], 0.3 * nginx["rate"], "nginx share "), at_least(of_health, 0.8, "/health share ")]),
        ("statistics by counselor level, random cohort and college, per major (wrk -c64)", wrk_text(m["stats"]),
         "2 400 req/s, 792 µs CPU", "≥ 10 000 req/s", [at_least(m["stats"]["rate"], 10_000)]),
    ]


def data_rows(m):
    s, b, csv, load = m["search"], m["batch"], m["export_csv"], m["load"]
    # Flat: RSS grew by 5 % at most, or 16 MB on a small school's daemon (warming up is not a leak).
    flat = load["rss_after"] - load["rss_before"] <= max(0.05 * load["rss_before"], 16)
    return [
        ("search of 2000 student numbers, server time (20 requests)",
         f"p50 {ms(s['p50'])}, max {ms(s['max'])} (client p50 {ms(s['client_p50'])})", "p50 12–22 ms",
         "p50 ≤ 8 ms on a quiet machine", [at_most(s["p50"], 8)]),
        (f"batch approve {b['count']:,} scattered (history + notification each, one durable transaction)",
         f"{b['server']:.0f} ms server, {b['wall']:.0f} ms wall", "430–950 ms", "≤ 200 ms", [at_most(b["wall"], 200)]),
        (f"CSV export, {csv['rows']:,} rows (jiuyectl export --preset school)", f"{csv['s']:.2f} s, peak memory +{csv['peak_mb']} MB",
         "1.45 s", "≤ 1 s", [at_most(csv["s"], 1)]),
        (f"load: 200 connections, {m['load_seconds']} s, 20 % writes (PATCH), 80 % reads, random students and colleges",
         f"{n(load['rate'])} req/s, p50 {ms(load['p50'])}, p99 {ms(load['p99'])}, {errors_text(load)}, "
         f"RSS {load['rss_before']} → {load['rss_after']} MB, {load['cpu_us']:.0f} µs CPU a request; "
         f"{load['writes']:,} writes in {load['commits']:,} commits",
         "2 000 req/s, p99 393 ms", "≥ 8 000 req/s, p99 ≤ 50 ms, 0 errors, memory flat (RSS ≤ +5 %)",
         [at_least(load["rate"], 8000, "rate "), at_most(load["p99"], 50, "p99 "),
          (load["errors"] == 0, f"{load['errors']} errors"), (flat, "memory grew")]),
    ]


def gzip_rows(m):
    rows = []
    for key, what, before in [("gzip_page", "a page of 200 whole records", ""),
                              ("gzip_search", "a search of 2000 student numbers", "2.6 MB uncompressed")]:
        plain, zipped = m[key]
        rows.append((f"{what}, body plain / with Accept-Encoding: gzip", f"{kb(plain)} / {kb(zipped)}: {plain / zipped:.1f}× smaller",
                     before, "≥ 5× smaller", [at_least(plain / zipped, 5)]))
    return rows


def other_rows(m):
    h, small, csv = m["health"], m["list_small"], m["export_xlsx"]
    return [
        (f"seed institution: {m['students']:,} students, {m['records']:,} records in 5 plugins", f"{m['seed_s']:.1f} s", "", "", []),
        ("nginx, fixed 200 (the reference, wrk -c64)", f"{n(m['nginx']['rate'])} req/s, p99 {ms(m['nginx']['p99'])}", "70 700 req/s", "", []),
        ("jiuyed's /api/v1/health (no session, no LMDB; wrk -c64)", wrk_text(h, m["nginx"]), "82 µs CPU", "", []),
        (f"list page on the school of {m['small_students']:,} (wrk -c64)", wrk_text(small), "", "", []),
        ("list page, server time (1000 requests, random cohort and college)",
         f"p50 {ms(m['list_server'][0])}, p99 {ms(m['list_server'][1])}", "", "p99 ≤ 5 ms", [at_most(m["list_server"][1], 5)]),
        ("statistics, server time (200 requests)", f"p50 {ms(m['stats_server'][0])}, p99 {ms(m['stats_server'][1])}", "", "≤ 1 ms",
         [at_most(m["stats_server"][1], 1)]),
        ("PostgreSQL: COPY of the 生源 records, index, VACUUM ANALYZE", f"{m['pg_load_s']:.1f} s", "", "", []),
        (f"XLSX export, {csv['rows']:,} rows", f"{csv['s']:.2f} s, peak memory +{csv['peak_mb']} MB", "", "≤ 5 s", [at_most(csv["s"], 5)]),
        ("memory after all of the above", f"RSS {m['memory'][0]} MB, peak {m['memory'][1]} MB", "", "", []),
        (f"cold start, {m['cold_records']:,} records (exec to /health 200, median of 5)", f"{m['cold_ms']:.0f} ms", "", "≤ 0.5 s",
         [at_most(m["cold_ms"], 500)]),
    ]


def table(rows, first):
    print(f"| {first} | measured | before (issue 18) | target | |")
    print("|---|---|---|---|---|")
    for what, measured, before, target, checks in rows:
        print(f"| {what} | {measured} | {before} | {target} | {verdict(checks)} |")


def print_only(m):
    """--only load|batch: that measurement's line alone."""
    if "batch" in m:
        b = m["batch"]
        print(f"batch approve {b['count']:,}: {b['server']:.0f} ms server, {b['wall']:.0f} ms wall")
        return
    if "fields" in m:
        for variant, runs in m["fields"].items():
            print(f"page of 200, {variant}: " + " · ".join(f"{n(r['rate'])} pages/s, {r['cpu_us']:.0f} µs CPU a page" for r in runs))
        return
    if "search" in m:
        print(f"search of 2000: server p50 {ms(m['search']['p50'])}, max {ms(m['search']['max'])} (client p50 {ms(m['search']['client_p50'])})")
        return
    load = m["load"]
    print(f"load: 200 connections, {m['load_seconds']} s: {n(load['rate'])} req/s, p50 {ms(load['p50'])}, p99 {ms(load['p99'])}, "
          f"{errors_text(load)}, RSS {load['rss_before']} → {load['rss_after']} MB, {load['cpu_us']:.0f} µs CPU a request, "
          f"{load['writes']} writes in {load['commits']} commits")


def print_tables(m):
    table(list_rows(m) + request_rows(m) + data_rows(m) + gzip_rows(m), "issue 18")
    print()
    table(other_rows(m), "also measured")
    print(f"\nLoad average (1 min) at the start / the end: {m['loadavg'][0]:.2f} / {os.getloadavg()[0]:.2f} "
          f"on {os.cpu_count()} cores; wrk runs {m['wrk_seconds']} s each.")
    for key, what in [("profile_get_one", "GET one record"), ("profile_list", "list page")]:
        if key in m:
            print(f"\nProfile of {what} (perf record -e cpu-clock -g; perf report --no-children --sort symbol, top 20):\n")
            print("```\n" + m[key] + "\n```")

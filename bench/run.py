"""The whole benchmark in one run: a made-up school of N students (`jiuyectl seed institution`),
HTTP figures with wrk at 64 connections (random students and colleges per request) beside nginx
serving a fixed 200 and jiuyed's own /health, PostgreSQL's bare indexed list query (pgbench on
the same records), the daemon's CPU per request, the list page's CPU on a second school of
20 000, server times from Server-Timing, gzip sizes, exports, statistics, cold start on
1 000 000 records, memory, and a load test of mixed reads and writes. Prints issue 18's table
(figure, the issue's "before", target, met or missed) and the other figures. Started by bench/run."""
import argparse, http.client, json, os, random, re, signal, subprocess, sys, tempfile, time, urllib.request

import loadgen, postgres, report

ap = argparse.ArgumentParser()
ap.add_argument("--bin", required=True)
ap.add_argument("--students", type=int, default=100_000)
ap.add_argument("--small-students", type=int, default=None, help="the second school, for the list page's CPU (default 20 000, or a fifth of --students when that is 20 000 or less)")
ap.add_argument("--cold-records", type=int, default=1_000_000)
ap.add_argument("--load-seconds", type=int, default=60)
ap.add_argument("--wrk-seconds", type=int, default=10)
ap.add_argument("--only", choices=["load", "batch", "search", "fields"], help="seed the big school and run only the load test, the batch approval or the search of 2000 (to compare two builds quickly)")
ap.add_argument("--profile", help="a directory: perf profiles of GET one and of the list page go there")
args = ap.parse_args()
if args.small_students is None:
    args.small_students = 20_000 if args.students > 20_000 else max(1_000, args.students // 5)

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
work = tempfile.mkdtemp(prefix="jiuye-bench-")
m = {"students": args.students, "small_students": args.small_students, "wrk_seconds": args.wrk_seconds,
     "load_seconds": args.load_seconds, "loadavg": os.getloadavg()}  # every figure measured, by name; report.py makes the tables
procs = []
LIST = "/api/v1/records/source-info?size=20&cohort={cohort}&college={college}&level.counselor=approved"
STATS = "/api/v1/stats/source-info?by=level.counselor&cohort={cohort}&college={college}&group=major"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def ctl(data, *words, timeout=1800):
    out = subprocess.run([f"{args.bin}/jiuyectl", "--socket", f"{data}/admin.sock", "--timeout", str(timeout), "--json", *words],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"jiuyectl {' '.join(words)} failed: {out.stderr}{out.stdout}")
    return out.stdout


def wait_health(port, timeout=60):
    start = time.time()
    while time.time() - start < timeout:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/api/v1/health")
            if c.getresponse().status == 200:
                return time.time() - start
        except OSError:
            pass
        time.sleep(0.002)
    raise SystemExit("jiuyed did not come up")


def start_daemon(data, port):
    p = subprocess.Popen([f"{args.bin}/jiuyed", "serve", "--config", f"{root}/plugins.yaml", "--data", data,
                          "--listen", f"127.0.0.1:{port}", "--log-level", "error"], stdout=subprocess.DEVNULL, stderr=open(f"{work}/jiuyed.log", "a"))
    procs.append(p)
    return p, wait_health(port)


def stop(p):
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=60)


def status(pid):
    text = open(f"/proc/{pid}/status").read()
    return {k: int(re.search(rf"{k}:\s+(\d+)", text).group(1)) for k in ("VmRSS", "VmHWM")}


class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port)
        self.token = None

    def raw(self, method, path, body=None, headers=()):
        h = {"Content-Type": "application/json", **dict(headers)}
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        self.conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=h)
        r = self.conn.getresponse()
        return r, r.read()

    def call(self, method, path, body=None):
        r, data = self.raw(method, path, body)
        timing = float(r.getheader("Server-Timing", "app;dur=0").split("dur=")[1])
        return r.status, (json.loads(data) if data else None), timing

    def login(self):
        _, answer, _ = self.call("POST", "/api/v1/auth/login", {"username": "school", "password": "Demo@2026"})
        self.token = answer["token"]
        return self

    def pages(self, query):
        """Every record of source-info matching query, page by page of 200."""
        after = None
        while True:
            s, body, _ = self.call("GET", f"/api/v1/records/source-info?size=200{query}" + (f"&after={after}" if after else ""))
            assert s == 200, (s, body)
            yield from body["records"]
            after = body["next"]
            if not after:
                return


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


class School:
    """What the benchmark needs to know of a seeded school: its colleges, every 生源 record's
    id, and the (cohort, college) pairs that have records, so random requests find something."""

    def __init__(self, client):
        self.college_ids = {u["name"]: u["id"] for u in client.call("GET", "/api/v1/org")[1]["units"] if u["kind"] == "college"}
        self.ids, self.pairs = [], set()

    def note(self, record):
        self.ids.append(record["id"])
        self.pairs.add((record["cohort"], self.college_ids[record["college"]]))
        return record

    def colleges_of(self, cohort):
        return sorted(c for k, c in self.pairs if k == cohort)


def start_nginx():
    """nginx: the reference for what this machine's loopback and wrk can do."""
    port = free_port()
    os.makedirs(f"{work}/nginx/logs", exist_ok=True)
    with open(f"{work}/nginx/nginx.conf", "w") as f:
        f.write(f"""worker_processes auto; daemon off; pid {work}/nginx/nginx.pid; error_log {work}/nginx/error.log;
events {{ worker_connections 4096; }}
http {{ access_log off; server {{ listen 127.0.0.1:{port}; location / {{ return 200 "ok\\n"; }} }} }}
""")
    p = subprocess.Popen(["nginx", "-p", f"{work}/nginx", "-c", f"{work}/nginx/nginx.conf"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(0.5)
    return p, port


def stop_nginx(p):
    # nginx's master stops its workers on SIGQUIT; the whole group goes, whatever happened.
    try:
        os.killpg(p.pid, signal.SIGQUIT)
        p.wait(timeout=10)
    except Exception:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except Exception:
            pass


def seed(data, students):
    t0 = time.time()
    seeded = json.loads(ctl(data, "seed", "institution", "--students", str(students)))
    return sum(seeded["records"].values()), time.time() - t0


def wrk_ok(r):
    assert r["non2xx"] == 0 and r["socket"] == 0, r["raw"]
    return r


def list_page_run(daemon, base, token, school, name):
    """wrk on the list page at random colleges of cohort 2026: its rate and CPU per page."""
    paths = [LIST.format(cohort=2026, college=c) for c in school.colleges_of(2026)]
    script = loadgen.random_path_script(f"{work}/{name}.lua", "", paths)
    return wrk_ok(loadgen.wrk(base + "/", token=token, seconds=args.wrk_seconds, script=script, pid=daemon.pid))


def http_figures(daemon, base, token, school):
    log("wrk: /health, GET one, list page, statistics …")
    m["health"] = wrk_ok(loadgen.wrk(base + "/api/v1/health", seconds=args.wrk_seconds, pid=daemon.pid))
    get_one = loadgen.random_path_script(f"{work}/get-one.lua", "/api/v1/records/source-info/", school.ids)
    m["get_one"] = wrk_ok(loadgen.wrk(base + "/", token=token, seconds=args.wrk_seconds, script=get_one, pid=daemon.pid))
    m["list"] = list_page_run(daemon, base, token, school, "list-page")
    stats = loadgen.random_path_script(f"{work}/stats.lua", "", [STATS.format(cohort=k, college=c) for k, c in sorted(school.pairs)])
    m["stats"] = wrk_ok(loadgen.wrk(base + "/", token=token, seconds=args.wrk_seconds, script=stats, pid=daemon.pid))


def postgres_figures(records_csv, school):
    log("PostgreSQL: the same 生源 records, pgbench on the list page's query …")
    pg = postgres.Cluster(work, free_port())
    try:
        pg.start()
        m["pg_load_s"] = pg.load(records_csv)
        colleges = school.colleges_of(2026)
        pg.check_page(2026, colleges)
        m["pg"] = pg.pgbench(pg.page_script(work, 2026, colleges), seconds=args.wrk_seconds)
    finally:
        pg.stop()


def server_times(c, school):
    log("server times …")
    pairs = sorted(school.pairs)
    times = []
    for _ in range(1000):
        cohort, college = random.choice(pairs)
        s, body, t = c.call("GET", LIST.format(cohort=cohort, college=college))
        assert s == 200 and body["records"], (s, body)
        times.append(t)
    m["list_server"] = (pct(times, 50), pct(times, 99))
    times = []
    for _ in range(200):
        cohort, college = random.choice(pairs)
        s, body, t = c.call("GET", STATS.format(cohort=cohort, college=college))
        assert s == 200 and body["total"] > 0
        times.append(t)
    m["stats_server"] = (pct(times, 50), pct(times, 99))


def search_figures(c, school):
    log("search of 2000 …")
    times, wall = [], []
    for _ in range(20):
        t0 = time.time()
        s, body, t = c.call("POST", "/api/v1/records/source-info/search", {"query": "\n".join(random.sample(school.ids, 2000))})
        wall.append((time.time() - t0) * 1000)
        assert s == 200 and len(body["records"]) == 2000
        times.append(t)
    m["search"] = {"p50": pct(times, 50), "max": max(times), "client_p50": pct(wall, 50)}


def gzip_figures(c, school):
    """Bytes of the answer's body, plain and gzipped: a page of 200 and a search of 2000."""
    numbers = "\n".join(random.sample(school.ids, 2000))
    for name, method, path, body in [("gzip_page", "GET", "/api/v1/records/source-info?size=200", None),
                                     ("gzip_search", "POST", "/api/v1/records/source-info/search", {"query": numbers})]:
        r, plain = c.raw(method, path, body)
        assert r.status == 200 and r.getheader("Content-Encoding") is None
        r, zipped = c.raw(method, path, body, {"Accept-Encoding": "gzip"})
        assert r.status == 200 and r.getheader("Content-Encoding") == "gzip", r.getheaders()
        m[name] = (len(plain), len(zipped))


def batch_approve(c):
    ids = [r["id"] for r in c.pages("&state=pending:school&fields=name")][:10000]
    start = time.time()
    s, body, t = c.call("POST", "/api/v1/records/source-info/batch", {"action": "approve", "ids": ids})
    assert s == 200 and body["succeeded"] == len(ids), (s, body and body.get("failed"))
    m["batch"] = {"count": len(ids), "server": t, "wall": (time.time() - start) * 1000}


def exports(daemon, data):
    log("exports …")
    for fmt in ("csv", "xlsx"):
        with open(f"/proc/{daemon.pid}/clear_refs", "w") as f:
            f.write("5")
        before = status(daemon.pid)["VmRSS"]
        t0 = time.time()
        out = json.loads(ctl(data, "export", "source-info", f"{work}/export.{fmt}", "--preset", "school"))
        m[f"export_{fmt}"] = {"rows": out["rows"], "s": time.time() - t0, "peak_mb": (status(daemon.pid)["VmHWM"] - before) // 1024}


def load_test(daemon, base, token, school):
    log(f"load: 200 connections, {args.load_seconds} s …")
    script = loadgen.mixed_script(f"{work}/mixed.lua", school.ids, school.colleges_of(2026))
    rss_before = status(daemon.pid)["VmRSS"]
    commits_before = commits(base, token)
    r = loadgen.wrk(base + "/", token=token, conns=200, seconds=args.load_seconds, script=script, pid=daemon.pid)
    groups, writes = (a - b for a, b in zip(commits(base, token), commits_before))
    m["load"] = {**r, "errors": r["non2xx"] + r["socket"], "rss_before": rss_before // 1024,
                 "rss_after": status(daemon.pid)["VmRSS"] // 1024, "commits": groups, "writes": writes}


def commits(base, token):
    """Group commits and the writes they held so far, from /metrics."""
    req = urllib.request.Request(base + "/metrics", headers={"Authorization": f"Bearer {token}"})
    text = urllib.request.urlopen(req, timeout=30).read().decode()
    found = [re.search(rf"^{name} (\S+)$", text, re.M) for name in ("jiuye_commit_groups", "jiuye_commit_writes")]
    # A build from before group commit has neither.
    return tuple(int(float(f.group(1))) if f else 0 for f in found)


def profiles(daemon, base, token, school):
    """PROFILE=1: the GET-one and list-page runs again under perf (the measured runs ran without it)."""
    log("profiles …")
    os.makedirs(args.profile, exist_ok=True)
    get_one = f"{work}/get-one.lua"
    m["profile_get_one"] = loadgen.profile(daemon.pid, args.profile, "get-one", lambda: loadgen.wrk(
        base + "/", token=token, seconds=args.wrk_seconds, script=get_one))
    m["profile_list"] = loadgen.profile(daemon.pid, args.profile, "list-page", lambda: list_page_run(
        daemon, base, token, school, "list-page-profiled"))


def main_school():
    data, port = f"{work}/data", free_port()
    daemon, _ = start_daemon(data, port)
    log(f"seeding {args.students} students …")
    m["records"], m["seed_s"] = seed(data, args.students)
    c = Client(port).login()
    school = School(c)
    log("reading every 生源 record back …")
    records_csv = f"{work}/source-info.csv"
    postgres.write_csv((school.note(r) for r in c.pages("")), records_csv, school.college_ids)
    base = f"http://127.0.0.1:{port}"
    http_figures(daemon, base, c.token, school)
    postgres_figures(records_csv, school)
    server_times(c, school)
    search_figures(c, school)
    gzip_figures(c, school)
    batch_approve(c)
    exports(daemon, data)
    load_test(daemon, base, c.token, school)
    if args.profile:
        profiles(daemon, base, c.token, school)
    st = status(daemon.pid)
    m["memory"] = (st["VmRSS"] // 1024, st["VmHWM"] // 1024)
    stop(daemon)


def small_school():
    """The same list page on a school of --small-students: its CPU per page beside the big one's."""
    log(f"the list page on a school of {args.small_students} students …")
    data, port = f"{work}/small", free_port()
    daemon, _ = start_daemon(data, port)
    seed(data, args.small_students)
    c = Client(port).login()
    school = School(c)
    for r in c.pages("&fields=name&cohort=2026"):
        school.note(r)
    m["list_small"] = list_page_run(daemon, f"http://127.0.0.1:{port}", c.token, school, "list-page-small")
    stop(daemon)


def cold_start():
    """A data file of about a million records, opened by a fresh process until /health answers."""
    per_student = m["records"] / args.students
    cold_students = int(args.cold_records / per_student) + 1
    log(f"cold start: seeding {cold_students} students …")
    data, port = f"{work}/cold", free_port()
    p, _ = start_daemon(data, port)
    m["cold_records"], _ = seed(data, cold_students)
    stop(p)
    starts = []
    for _ in range(5):
        p, spent = start_daemon(data, port)
        starts.append(spent)
        stop(p)
    m["cold_ms"] = pct(starts, 50) * 1000


SIX = "studentNumber,name,gender,college,majorName,className"


def fields_figures(daemon, base, token, school):
    """--only fields (issue 16): pages of 200 at random colleges of cohort 2026, whole records and
    with the six columns a list shows, with and without labels; wrk -c8, each variant twice,
    alternating: pages a second and the daemon's CPU a page."""
    for variant in ["whole", "fields", "whole-labels", "fields-labels"] * 2:
        q = ("&fields=" + SIX if variant.startswith("fields") else "") + ("&labels=1" if variant.endswith("labels") else "")
        paths = [f"/api/v1/records/source-info?size=200&cohort=2026&college={c}{q}" for c in school.colleges_of(2026)]
        script = loadgen.random_path_script(f"{work}/{variant}.lua", "", paths)
        r = wrk_ok(loadgen.wrk(base + "/", token=token, conns=8, seconds=args.wrk_seconds, script=script, pid=daemon.pid))
        m.setdefault("fields", {}).setdefault(variant, []).append(r)


def only():
    """--only load|batch: the big school and that one measurement, nothing else."""
    data, port = f"{work}/data", free_port()
    daemon, _ = start_daemon(data, port)
    log(f"seeding {args.students} students …")
    seed(data, args.students)
    c = Client(port).login()
    school = School(c)
    if args.only != "batch":
        for r in c.pages("&fields=name"):
            school.note(r)
    # PROFILE_ONLY=FILE: a perf profile of the measurement alone.
    if os.environ.get("PROFILE_ONLY"):
        perf = subprocess.Popen(["perf", "record", "-F", "4000", "-g", "-p", str(daemon.pid), "-o", os.environ["PROFILE_ONLY"]],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)
    {"batch": lambda: batch_approve(c), "search": lambda: search_figures(c, school),
     "fields": lambda: fields_figures(daemon, f"http://127.0.0.1:{port}", c.token, school),
     "load": lambda: load_test(daemon, f"http://127.0.0.1:{port}", c.token, school)}[args.only]()
    if os.environ.get("PROFILE_ONLY"):
        perf.send_signal(signal.SIGINT)
        perf.wait()
    stop(daemon)


nginx = None
try:
    if args.only:
        only()
        report.print_only(m)
        sys.exit(0)
    nginx, nginx_port = start_nginx()
    m["nginx"] = loadgen.wrk(f"http://127.0.0.1:{nginx_port}/", seconds=args.wrk_seconds)
    main_school()
    small_school()
    cold_start()
finally:
    if nginx:
        stop_nginx(nginx)
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()
    subprocess.run(["rm", "-rf", work])

report.print_tables(m)

"""The whole benchmark in one run: a made-up school of N students (`jiuyectl seed institution`),
HTTP figures with wrk at 64 connections beside nginx serving a fixed 200 on loopback, server
times from Server-Timing, exports, statistics, cold start on 1 000 000 records, memory, and a
load test of mixed reads and writes. Prints one Markdown table. Started by bench/run."""
import argparse, http.client, json, os, random, re, signal, subprocess, sys, tempfile, time

ap = argparse.ArgumentParser()
ap.add_argument("--bin", required=True)
ap.add_argument("--students", type=int, default=100_000)
ap.add_argument("--cold-records", type=int, default=1_000_000)
ap.add_argument("--load-seconds", type=int, default=60)
ap.add_argument("--wrk-seconds", type=int, default=10)
args = ap.parse_args()

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
work = tempfile.mkdtemp(prefix="jiuye-bench-")
rows = []
procs = []


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


def wrk(url, token=None, conns=64, seconds=None, script=None):
    cmd = ["wrk", "-t2", f"-c{conns}", f"-d{seconds or args.wrk_seconds}s", "--latency"]
    if token:
        cmd += ["-H", f"Authorization: Bearer {token}"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    def ms(label):
        m = re.search(rf"\s{label}\s+([\d.]+)(us|ms|s)", out)
        v = float(m.group(1))
        return v / 1000 if m.group(2) == "us" else v * 1000 if m.group(2) == "s" else v
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"rate": rate, "p50": ms("50%"), "p99": ms("99%"), "non2xx": int(errors.group(1)) if errors else 0,
            "socket": socket_errors.group(1) if socket_errors else "", "raw": out}


class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port)
        self.token = None

    def call(self, method, path, body=None):
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        self.conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        r = self.conn.getresponse()
        data = r.read()
        timing = float(r.getheader("Server-Timing", "app;dur=0").split("dur=")[1])
        return r.status, (json.loads(data) if data else None), timing


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


nginx = None
try:
    # nginx: the reference for what this machine's loopback and wrk can do.
    nginx_port = free_port()
    os.makedirs(f"{work}/nginx/logs", exist_ok=True)
    with open(f"{work}/nginx/nginx.conf", "w") as f:
        f.write(f"""worker_processes auto; daemon off; pid {work}/nginx/nginx.pid; error_log {work}/nginx/error.log;
events {{ worker_connections 4096; }}
http {{ access_log off; server {{ listen 127.0.0.1:{nginx_port}; location / {{ return 200 "ok\\n"; }} }} }}
""")
    nginx = subprocess.Popen(["nginx", "-p", f"{work}/nginx", "-c", f"{work}/nginx/nginx.conf"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(0.5)

    data, port = f"{work}/data", free_port()
    daemon, _ = start_daemon(data, port)
    log(f"seeding {args.students} students …")
    t0 = time.time()
    seeded = json.loads(ctl(data, "seed", "institution", "--students", str(args.students)))
    seed_s = time.time() - t0
    records = sum(seeded["records"].values())
    rows.append((f"seed institution: {args.students:,} students, {records:,} records in 5 plugins", f"{seed_s:.1f} s", ""))

    c = Client(port)
    _, login, _ = c.call("POST", "/api/v1/auth/login", {"username": "school", "password": "Demo@2026"})
    c.token = login["token"]
    colleges = [u["id"] for u in c.call("GET", "/api/v1/org")[1]["units"] if u["kind"] == "college"]
    _, page, _ = c.call("GET", "/api/v1/records/source-info?size=20&cohort=2026")
    one = page["records"][0]["id"]
    base = f"http://127.0.0.1:{port}"

    log("wrk …")
    ref = wrk(f"http://127.0.0.1:{nginx_port}/")
    rows.append(("nginx, fixed 200 (reference, 64 connections)", f"{ref['rate']:,.0f} req/s, p99 {ref['p99']:.2f} ms", ""))
    for label, path, target in [
        ("GET one record", f"/api/v1/records/source-info/{one}", ">= 50 % of nginx"),
        ("list page, 3 filters (cohort, college, level status)", f"/api/v1/records/source-info?size=20&cohort=2026&college={colleges[3]}&level.counselor=approved", ""),
        ("statistics, by level status per college", "/api/v1/stats/source-info?by=level.counselor&cohort=2026&group=college", ""),
    ]:
        r = wrk(base + path, token=c.token)
        assert r["non2xx"] == 0, r["raw"]
        rows.append((f"{label} (wrk, 64 connections)", f"{r['rate']:,.0f} req/s = {100 * r['rate'] / ref['rate']:.0f} % of nginx, p99 {r['p99']:.2f} ms", target))

    log("server times …")
    times = []
    for i in range(1000):
        s, body, t = c.call("GET", f"/api/v1/records/source-info?size=20&cohort={2026 + i % 3}&college={colleges[i % len(colleges)]}&level.counselor=approved")
        assert s == 200 and body["records"], (s, body)
        times.append(t)
    rows.append(("list page, 3 filters, server time (1000 requests)", f"p50 {pct(times, 50):.2f} ms, p99 {pct(times, 99):.2f} ms", "p99 <= 5 ms"))
    times = []
    for i in range(200):
        s, body, t = c.call("GET", f"/api/v1/stats/source-info?by=level.counselor&cohort={2026 + i % 3}&group=college")
        assert s == 200 and body["total"] > 0
        times.append(t)
    rows.append(("statistics, server time (200 requests)", f"p50 {pct(times, 50):.2f} ms, p99 {pct(times, 99):.2f} ms", "<= 1 ms"))
    numbers, after = [], None
    while True:
        s, body, _ = c.call("GET", "/api/v1/records/source-info?size=200&fields=name" + (f"&after={after}" if after else ""))
        numbers += [r["id"] for r in body["records"]]
        after = body["next"]
        if not after or len(numbers) >= 20000:
            break
    times = []
    for i in range(20):
        s, body, t = c.call("POST", "/api/v1/records/source-info/search", {"query": "\n".join(random.sample(numbers, 2000))})
        assert s == 200 and len(body["records"]) == 2000
        times.append(t)
    rows.append(("search of 2000 student numbers, server time (20 requests)", f"p50 {pct(times, 50):.2f} ms, max {max(times):.2f} ms", "<= 10 ms"))

    ids, after = [], None
    while len(ids) < 10000:
        s, body, _ = c.call("GET", "/api/v1/records/source-info?size=200&state=pending:school&fields=name" + (f"&after={after}" if after else ""))
        ids += [r["id"] for r in body["records"]]
        after = body["next"]
        if not after:
            break
    ids = ids[:10000]
    start = time.time()
    s, body, t = c.call("POST", "/api/v1/records/source-info/batch", {"action": "approve", "ids": ids})
    assert s == 200 and body["succeeded"] == len(ids), (s, body and body.get("failed"))
    rows.append((f"batch approve {len(ids):,} (history + notification each, one fsync'd transaction)",
                 f"{t:.0f} ms server, {(time.time() - start) * 1000:.0f} ms wall", "10 000 in <= 250 ms"))

    log("exports …")
    for fmt, target in [("csv", "<= 1 s"), ("xlsx", "<= 5 s")]:
        with open(f"/proc/{daemon.pid}/clear_refs", "w") as f:
            f.write("5")
        before = status(daemon.pid)["VmRSS"]
        t0 = time.time()
        out = json.loads(ctl(data, "export", "source-info", f"{work}/export.{fmt}", "--preset", "school"))
        spent = time.time() - t0
        peak = status(daemon.pid)["VmHWM"]
        rows.append((f"export {out['rows']:,} rows, {fmt.upper()}", f"{spent:.2f} s, peak memory +{(peak - before) // 1024} MB", target))

    log(f"load: 200 connections, {args.load_seconds} s …")
    lua = f"{work}/mixed.lua"
    with open(lua, "w") as f:
        f.write("ids = {" + ",".join(f'"{n}"' for n in random.sample(numbers, 2000)) + "}\n" + """
local n = 0
-- wrk.format replaces wrk.headers when given headers: the bearer token must come along.
local patch_headers = {}
for k, v in pairs(wrk.headers) do patch_headers[k] = v end
patch_headers["Content-Type"] = "application/json"
request = function()
  n = n + 1
  local id = ids[math.random(#ids)]
  local r = math.random(100)
  if r <= 20 then
    return wrk.format("PATCH", "/api/v1/records/source-info/" .. id, patch_headers,
      '{"values":{"homeAddress":"某市某区某路' .. n .. '号"}}')
  elseif r <= 60 then
    return wrk.format("GET", "/api/v1/records/source-info/" .. id)
  elseif r <= 85 then
    return wrk.format("GET", "/api/v1/records/source-info?size=20&cohort=2026&level.counselor=approved")
  else
    return wrk.format("GET", "/api/v1/stats/employment-info?by=field.destination&group=college")
  end
end
""")
    rss_before = status(daemon.pid)["VmRSS"]
    r = wrk(base + "/", token=c.token, conns=200, seconds=args.load_seconds, script=lua)
    rss_after = status(daemon.pid)["VmRSS"]
    errors = r["non2xx"] + (0 if not r["socket"] else sum(int(x) for x in re.findall(r"\d+", r["socket"])))
    rows.append((f"load: 200 connections, {args.load_seconds} s, 20 % writes (PATCH), 80 % reads",
                 f"{r['rate']:,.0f} req/s, p50 {r['p50']:.2f} ms, p99 {r['p99']:.2f} ms, {errors} errors, RSS {rss_before // 1024} → {rss_after // 1024} MB",
                 "no errors, RSS stable"))
    st = status(daemon.pid)
    rows.append(("memory after all of the above", f"RSS {st['VmRSS'] // 1024} MB, peak {st['VmHWM'] // 1024} MB", ""))
    stop(daemon)

    # Cold start: a data file of about a million records, opened by a fresh process until /health answers.
    per_student = records / args.students
    cold_students = int(args.cold_records / per_student) + 1
    log(f"cold start: seeding {cold_students} students …")
    cold_data, cold_port = f"{work}/cold", free_port()
    p, _ = start_daemon(cold_data, cold_port)
    cold = json.loads(ctl(cold_data, "seed", "institution", "--students", str(cold_students)))
    cold_records = sum(cold["records"].values())
    stop(p)
    starts = []
    for _ in range(5):
        p, spent = start_daemon(cold_data, cold_port)
        starts.append(spent)
        stop(p)
    rows.append((f"cold start, {cold_records:,} records (exec to /health 200, median of 5)", f"{pct(starts, 50) * 1000:.0f} ms", "<= 0.5 s"))
finally:
    # nginx's master stops its workers on SIGQUIT; the whole group goes, whatever happened.
    try:
        os.killpg(nginx.pid, signal.SIGQUIT) if nginx else None
        nginx.wait(timeout=10)
    except Exception:
        try:
            os.killpg(nginx.pid, signal.SIGKILL) if nginx else None
        except Exception:
            pass
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()
    subprocess.run(["rm", "-rf", work])

print("| what | measured | target |")
print("|---|---|---|")
for r in rows:
    print(f"| {r[0]} | {r[1]} | {r[2]} |")

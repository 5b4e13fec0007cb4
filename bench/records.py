"""Drives a running jiuyed over HTTP and reports server times (Server-Timing) as a Markdown table."""
import gzip, http.client, json, random, sys, time

port, csv_path = int(sys.argv[1]), sys.argv[2]
conn = http.client.HTTPConnection("127.0.0.1", port)
last_bytes, last_wall = 0, 0.0  # the last answer's body size, and ms from sending to its last byte

def call(method, path, body=None, token=None, extra=None):
    """One request; `last_bytes` is what came over the wire, `last_wall` includes unzipping it."""
    global last_bytes, last_wall
    headers = {"Content-Type": "application/json", **(extra or {})}
    if token:
        headers["Authorization"] = "Bearer " + token
    sent = time.perf_counter()
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    r = conn.getresponse()
    data = r.read()
    last_bytes = len(data)
    if r.getheader("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    last_wall = (time.perf_counter() - sent) * 1000
    timing = r.getheader("Server-Timing", "app;dur=0").split("dur=")[1]
    return r.status, json.loads(data) if data else None, float(timing)

def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]

status, login, _ = call("POST", "/api/v1/auth/login", {"username": "school", "password": "Demo@2026"})
token = login["token"]
numbers = [line.split(",")[0] for line in open(csv_path, encoding="utf-8").read().splitlines()[1:]]
colleges = [u["id"] for u in call("GET", "/api/v1/org", token=token)[1]["units"] if u["kind"] == "college" and u["name"].startswith("第")]

rows = []
# List: three filters (cohort, college, level status), page of 20, 1000 requests over all colleges.
times = []
for i in range(1000):
    c = colleges[i % len(colleges)]
    s, body, t = call("GET", f"/api/v1/records/source-info?size=20&cohort={2026 + i % 3}&college={c}&level.counselor=pending", token=token)
    assert s == 200 and len(body["records"]) > 0, (s, body)
    times.append(t)
rows.append(("list, 3 filters, page of 20 (1000 requests)", f"p50 {pct(times, 50):.2f} ms, p99 {pct(times, 99):.2f} ms", "p99 <= 5 ms"))

# 设置筛选字段 on a field without an index: cohort and college narrow the candidates, the field
# is checked on each; matching nothing, every candidate is read (the worst case), 200 requests.
times = []
for i in range(200):
    c = colleges[i % len(colleges)]
    s, body, t = call("GET", f"/api/v1/records/source-info?size=20&cohort={2026 + i % 3}&college={c}&homeAddress=nowhere", token=token)
    assert s == 200 and body["records"] == [], (s, body)
    times.append(t)
rows.append(("list, cohort + college + a field without an index (none match: every candidate read, 200 requests)",
             f"p50 {pct(times, 50):.2f} ms, p99 {pct(times, 99):.2f} ms", "<= 20 ms"))

# Statistics: counts by state, per college, for one cohort, from the live counters (200 requests).
times = []
for i in range(200):
    s, body, t = call("GET", f"/api/v1/stats/source-info?by=level.counselor&cohort={2026 + i % 3}&group=college", token=token)
    assert s == 200 and body["total"] > 0, (s, body)
    times.append(t)
rows.append(("statistics: one cohort by level status per college (200 requests)", f"p50 {pct(times, 50):.2f} ms, p99 {pct(times, 99):.2f} ms", "<= 1 ms"))

# Search: 2000 student numbers pasted as one column, 20 requests.
times = []
for i in range(20):
    query = "\n".join(random.sample(numbers, 2000))
    s, body, t = call("POST", "/api/v1/records/source-info/search", {"query": query}, token=token)
    assert s == 200 and len(body["records"]) == 2000, (s, len(body["records"]))
    times.append(t)
rows.append(("search of 2000 student numbers (20 requests)", f"p50 {pct(times, 50):.2f} ms, max {max(times):.2f} ms", "<= 10 ms"))

# fields= (issue 16): the same requests whole and with the six columns a list shows, alternating
# so both see the same machine: a page of 200 (cohort + college), 200 of each; a search of 2000,
# 20 of each. Server time (Server-Timing) and the client's, from sending to the last byte.
six = "studentNumber,name,gender,college,majorName,className"
def side_by_side(n, request, labels):
    """`request(i, second)` n times each way, alternating which goes first so neither always finds
    the other's pages in the cache: server p50/p99, the client's p50 to the last byte, bytes."""
    server, wall, sizes = {False: [], True: []}, {False: [], True: []}, {False: 0, True: 0}
    for i in range(2 * n):
        second = (i % 2 == 1) != ((i // 2) % 2 == 1)
        server[second].append(request(i // 2, second))
        wall[second].append(last_wall)
        sizes[second] = last_bytes
    return ", ".join(f"{label} {sizes[k] // 1024} KB, server p50 {pct(server[k], 50):.2f} ms, p99 {pct(server[k], 99):.2f} ms, "
                     f"client p50 {pct(wall[k], 50):.2f} ms" for label, k in zip(labels, (False, True))) \
        + f" ({sizes[False] / max(1, sizes[True]):.1f}× fewer bytes)"

def page(i, narrow=False, labels=False, extra=None):
    q = f"/api/v1/records/source-info?size=200&cohort={2026 + i % 3}&college={colleges[i % len(colleges)]}" + ("&labels=1" if labels else "")
    s, body, t = call("GET", q + (f"&fields={six}" if narrow else ""), token=token, extra=extra)
    assert s == 200 and len(body["records"]) == 200, (s, len(body["records"]))
    return t

def search(i, narrow=False, labels=False, extra=None):
    body = {"query": "\n".join(random.sample(numbers, 2000))}
    if labels:
        body["labels"] = True
    if narrow:
        body["fields"] = six.split(",")
    s, found, t = call("POST", "/api/v1/records/source-info/search", body, token=token, extra=extra)
    assert s == 200 and len(found["records"]) == 2000, (s, len(found["records"]))
    return t

# fields= (issue 16): the same requests whole and with the six columns a list shows; labels=1 as
# the console asks (code names with the values, for every code field or the six's).
fields_pair = ("whole", "fields=")
for labels in (False, True):
    rows.append((f"list page of 200 (cohort + college){' with labels' if labels else ''}, whole records vs fields= with 6 fields (200 requests each)",
                 side_by_side(200, lambda i, narrow: page(i, narrow, labels), fields_pair), "fields= <= whole"))
for labels in (False, True):
    rows.append((f"search of 2000 student numbers{' with labels' if labels else ''}, whole records vs fields= with 6 fields (20 requests each)",
                 side_by_side(20, lambda i, narrow: search(i, narrow, labels), fields_pair), "fields= <= whole"))

# Compression (issue 18): the console's own requests with and without Accept-Encoding: gzip.
gzip_pair, accept = ("plain", "gzip"), {"Accept-Encoding": "gzip"}
rows.append(("the console's page of 200 (labels, 6 fields), plain vs gzip (100 requests each)",
             side_by_side(100, lambda i, z: page(i, True, True, accept if z else None), gzip_pair), "gzip >= 5× smaller"))
rows.append(("a page of 200 whole records with labels, plain vs gzip (100 requests each)",
             side_by_side(100, lambda i, z: page(i, False, True, accept if z else None), gzip_pair), "gzip >= 5× smaller"))
rows.append(("the console's search of 2000 (labels, 6 fields), plain vs gzip (20 requests each)",
             side_by_side(20, lambda i, z: search(i, True, True, accept if z else None), gzip_pair), "gzip >= 5× smaller"))

# Batch approve: the 10 000 records every lower level approved, one request, one durable transaction.
ids, after = [], None
while True:
    q = "/api/v1/records/source-info?size=200&state=pending:school&fields=name" + (f"&after={after}" if after else "")
    s, body, _ = call("GET", q, token=token)
    ids += [r["id"] for r in body["records"]]
    after = body["next"]
    if not after:
        break
assert len(ids) == 10000, len(ids)
start = time.time()
s, body, t = call("POST", "/api/v1/records/source-info/batch", {"action": "approve", "ids": ids}, token=token)
wall = (time.time() - start) * 1000
assert s == 200 and body["succeeded"] == 10000, (s, body and body.get("failed"))
rows.append(("batch approve 10 000 (history + notification each, fsync)", f"{t:.1f} ms server, {wall:.1f} ms wall", "<= 250 ms"))

print("| what | measured | target |")
print("|---|---|---|")
for r in rows:
    print(f"| {r[0]} | {r[1]} | {r[2]} |")

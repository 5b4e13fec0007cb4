"""wrk runs for bench/run: random paths per request from a Lua script, the daemon's CPU time
per request from /proc, and (PROFILE=1) a perf profile of a run."""
import os, re, signal, shutil, subprocess, time

TICK = os.sysconf("SC_CLK_TCK")

# Each wrk thread has its own Lua state: seeded apart, the two threads ask for different things.
# The items (ids, paths) come from a file, one a line: LuaJIT allows a chunk 65 536 constants,
# not 100 000 ids.
LUA_PRELUDE = """
local seeds = 0
function setup(thread) seeds = seeds + 1; thread:set("seed", seeds) end
function init(args)
  math.randomseed(os.time() * 7 + seed)
  items = {}
  for line in io.lines(items_file) do items[#items + 1] = line end
end
"""

RANDOM_PATH_LUA = LUA_PRELUDE + """
request = function()
  return wrk.format(nil, prefix .. items[math.random(#items)])
end
"""


def lua_string(s):
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_lines(path, items):
    with open(path, "w") as f:
        f.write("".join(f"{v}\n" for v in items))
    return path


def random_path_script(path, prefix, items):
    """A wrk script asking for prefix + a random one of items on every request."""
    items_file = write_lines(path + ".items", items)
    with open(path, "w") as f:
        f.write(f"prefix = {lua_string(prefix)}\nitems_file = {lua_string(items_file)}\n" + RANDOM_PATH_LUA)
    return path


MIXED_LUA = LUA_PRELUDE + """
local n = 0
-- wrk.format replaces wrk.headers when given headers: the bearer token must come along.
local patch_headers = {}
for k, v in pairs(wrk.headers) do patch_headers[k] = v end
patch_headers["Content-Type"] = "application/json"
request = function()
  n = n + 1
  local id = items[math.random(#items)]
  local r = math.random(100)
  if r <= 20 then
    return wrk.format("PATCH", "/api/v1/records/source-info/" .. id, patch_headers,
      '{"values":{"homeAddress":"某市某区某路' .. n .. '号"}}')
  elseif r <= 60 then
    return wrk.format("GET", "/api/v1/records/source-info/" .. id)
  elseif r <= 85 then
    return wrk.format("GET", "/api/v1/records/source-info?size=20&cohort=2026&college=" ..
      colleges[math.random(#colleges)] .. "&level.counselor=approved")
  else
    return wrk.format("GET", "/api/v1/stats/employment-info?by=field.destination&group=college")
  end
end
"""


def mixed_script(path, ids, colleges):
    """The load test's mix: 20 % PATCH of a random 生源 record's values, 40 % GET of one, 25 % a
    list page at a random college, 15 % statistics."""
    items_file = write_lines(path + ".items", ids)
    with open(path, "w") as f:
        f.write(f"items_file = {lua_string(items_file)}\ncolleges = {{{','.join(map(str, colleges))}}}\n" + MIXED_LUA)
    return path


def cpu_seconds(pid):
    """utime + stime of the whole process, every thread."""
    text = open(f"/proc/{pid}/stat").read()
    fields = text[text.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def wrk(url, token=None, conns=64, seconds=10, script=None, pid=None):
    """One wrk run; with pid, the CPU that process spent per request (µs)."""
    cmd = ["wrk", "-t2", f"-c{conns}", f"-d{seconds}s", "--latency"]
    if token:
        cmd += ["-H", f"Authorization: Bearer {token}"]
    if script:
        cmd += ["-s", script]
    cpu0 = cpu_seconds(pid) if pid else 0
    out = subprocess.run(cmd + [url], capture_output=True, text=True).stdout
    cpu = cpu_seconds(pid) - cpu0 if pid else 0
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"rate": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "requests": requests,
            "p50": latency_ms(out, "50%"), "p99": latency_ms(out, "99%"),
            "non2xx": int(errors.group(1)) if errors else 0,
            "socket": sum(int(x) for x in re.findall(r"\d+", socket_errors.group(1))) if socket_errors else 0,
            "socket_detail": socket_errors.group(1) if socket_errors else "",
            "cpu_us": 1e6 * cpu / max(requests, 1), "raw": out}


def latency_ms(out, label):
    m = re.search(rf"\s{label}\s+([\d.]+)(us|ms|s)\b", out)
    v = float(m.group(1))
    return v / 1000 if m.group(2) == "us" else v * 1000 if m.group(2) == "s" else v


def profile(pid, out_dir, name, run):
    """perf record of process pid while run() goes; the top 20 symbols by self time, as text."""
    data = f"{out_dir}/{name}.perf.data"
    perf = subprocess.Popen(["perf", "record", "-e", "cpu-clock", "-g", "-p", str(pid), "-o", data],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    run()
    perf.send_signal(signal.SIGINT)
    perf.wait(timeout=120)
    text = (top_symbols(data) + "\n\njiuye's own functions by inclusive time (callees counted; then self time):\n\n"
            + top_symbols(data, count=15, own=True))
    with open(f"{out_dir}/{name}.txt", "w") as f:
        f.write(text + "\n")
    return text


def top_symbols(data, count=20, own=False):
    """perf report's top symbols, Swift's demangled, one a line: by self time; with own, jiuye's
    own functions (modules Daemon, PluginAPI, the plugins) by inclusive time, callees counted."""
    report = subprocess.run(["perf", "report", "-i", data, "--children" if own else "--no-children", "--sort", "symbol",
                             "--stdio", "-g", "none"], capture_output=True, text=True).stdout
    # perf pads each line to the terminal's width and ends it in two empty IPC columns.
    lines = [re.sub(r"(\s+-)*\s*$", "", l) for l in report.splitlines() if l.strip() and not l.startswith("#")]
    if own:
        lines = [l for l in lines if re.search(r"\] \$s\d+(Daemon|PluginAPI|\w*Plugin)", l)]
    return "\n".join(l[:180] for l in demangle("\n".join(lines[:count])).splitlines())


def demangle(text):
    """Swift's symbols readable when the toolchain is at hand; as perf printed them otherwise."""
    if not shutil.which("swift"):
        return text
    out = subprocess.run(["swift", "demangle", "--simplified"], input=text, capture_output=True, text=True)
    return out.stdout if out.returncode == 0 else text

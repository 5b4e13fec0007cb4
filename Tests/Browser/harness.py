"""The real parts the browser tests drive: a jiuyed on loopback, its admin socket, its JSON API
and a headless Chromium. Nothing here is a stand-in: the daemon is the built binary on a temp
LMDB, the browser is Debian's chromium through chromedriver."""

import json
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output" / "browser"


class Failure(AssertionError):
    """A scenario's check failed; the message says what was expected and what was seen."""


def check(condition, message):
    if not condition:
        raise Failure(message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Daemon:
    """A real `jiuyed serve --demo` on a temp data directory and a free loopback port."""

    def __init__(self, bin_dir, config, data=None, extra_args=(), demo=True):
        self.bin_dir = Path(bin_dir)
        self.config = str(config)
        self.data = Path(data or tempfile.mkdtemp(prefix="jiuye-browser-"))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.socket = str(self.data / "admin.sock")
        self.log_path = self.data / "jiuyed.log"
        self.extra_args = list(extra_args)
        self.demo = demo
        self.process = None

    def start(self, timeout=120):
        log = open(self.log_path, "wb")
        args = [str(self.bin_dir / "jiuyed"), "serve", *(["--demo"] if self.demo else []), "--config", self.config,
                "--data", str(self.data), "--listen", f"127.0.0.1:{self.port}", *self.extra_args]
        self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jiuyed exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.base + "/api/v1/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.3)
        raise RuntimeError(f"jiuyed did not answer /api/v1/health in {timeout} s:\n{self.log_tail()}")

    def log_tail(self, lines=30):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def ctl(self, *args, timeout=600):
        """Runs a jiuyectl verb over the real admin socket; the JSON answer."""
        cmd = [str(self.bin_dir / "jiuyectl"), "--socket", self.socket, "--json", "--timeout", str(timeout), *map(str, args)]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout + 30)
        if p.returncode != 0:
            raise RuntimeError(f"jiuyectl {' '.join(map(str, args))} failed ({p.returncode}): {p.stderr.strip() or p.stdout.strip()}")
        try:
            return json.loads(p.stdout) if p.stdout.strip() else {}
        except json.JSONDecodeError:
            return {"text": p.stdout}

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Api:
    """The public JSON API with bearer tokens, as a script or the student's app uses it."""

    def __init__(self, base):
        self.base = base
        self.tokens = {}

    def call(self, method, path, body=None, token=None, headers=None, raw=False):
        data = None
        hdrs = dict(headers or {})
        if body is not None:
            data = body if isinstance(body, (bytes, bytearray)) else json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        if token:
            hdrs["Authorization"] = f"Bearer {token}"
        req = urllib.request.Request(self.base + "/api/v1/" + path.lstrip("/"), data=data, method=method, headers=hdrs)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                status, payload, rh = r.status, r.read(), r.headers
        except urllib.error.HTTPError as e:
            status, payload, rh = e.code, e.read(), e.headers
        if raw:
            return status, payload, rh
        try:
            return status, json.loads(payload) if payload else None
        except json.JSONDecodeError:
            return status, payload.decode(errors="replace")

    def fetch(self, path):
        """A plain GET of any path of the daemon (not only the API): status, body, headers."""
        try:
            with urllib.request.urlopen(self.base + path, timeout=30) as r:
                return r.status, r.read(), r.headers
        except urllib.error.HTTPError as e:
            return e.code, e.read(), e.headers

    def login(self, username, password):
        status, answer = self.call("POST", "auth/login", {"username": username, "password": password})
        check(status == 200 and isinstance(answer, dict) and "token" in answer, f"API login {username}: {status} {answer}")
        return answer["token"]

    def token(self, username, password="Demo@2026"):
        if username not in self.tokens:
            self.tokens[username] = self.login(username, password)
        return self.tokens[username]

    def ok(self, method, path, body=None, token=None, expect=(200, 201, 202)):
        status, answer = self.call(method, path, body, token)
        check(status in expect, f"{method} {path}: expected {expect}, got {status} {answer}")
        return answer

    def all_records(self, kind, token, query=""):
        out, after = [], None
        while True:
            q = f"records/{kind}?size=200" + (f"&{query}" if query else "") + (f"&after={after}" if after else "")
            page = self.ok("GET", q, token=token)
            out += page["records"]
            after = page.get("next")
            if not after:
                return out


# Messages in Chrome's log that mean the page broke the security policy.
POLICY = re.compile(r"Content Security Policy|Content-Security-Policy|Trusted ?Type|TrustedHTML|TrustedScript", re.I)


class Browser:
    """Headless Debian Chromium through chromedriver, Chinese locale, downloads to a temp folder,
    the browser log captured so every scenario can be checked for CSP and JS errors."""

    def __init__(self, base, name):
        self.base = base
        self.name = name
        self.downloads = Path(tempfile.mkdtemp(prefix="jiuye-downloads-"))
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for a in ("--headless=new", "--no-sandbox", "--window-size=1440,900", "--lang=zh-CN",
                  "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run", "--disable-extensions"):
            options.add_argument(a)
        options.add_experimental_option("prefs", {
            "intl.accept_languages": "zh-CN,zh",
            "download.default_directory": str(self.downloads),
            "download.prompt_for_download": False,
            "safebrowsing.enabled": False,
        })
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
        self.driver = webdriver.Chrome(options=options, service=service)
        self.driver.set_script_timeout(120)
        self.driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(self.downloads)})
        self.seen_logs = []
        self.touched = False   # used by the running scenario: its screenshot is taken on a failure
        self.closed = False

    # navigation and waiting

    def open(self, route):
        """Opens a console route (`#/list/source-info?…`) and waits for the screen's main."""
        self.touched = True
        url = f"{self.base}/console/#{route}"
        if self.driver.current_url == url:
            self.driver.refresh()   # the same address again: a fragment navigation would do nothing
            return
        # within the console's document only the fragment changes: no reload, so mark what is on show
        self.driver.execute_script("document.querySelectorAll('main').forEach(m => m.dataset.testStale = '1')")
        self.driver.get(url)

    def go(self, route):
        """Changes the hash only (the console's own navigation), no page load. The screen on show
        is marked stale first, so waiting for the next one cannot mistake it for the new one; the
        same address again is a reload (no hashchange would fire)."""
        self.touched = True
        if self.driver.execute_script("return location.hash") == "#" + route:
            self.driver.refresh()
            return
        self.driver.execute_script("document.querySelectorAll('main').forEach(m => m.dataset.testStale = '1');"
                                   "location.hash = arguments[0]", route)

    def js(self, script, *args):
        self.touched = True
        return self.driver.execute_script(script, *args)

    def wait(self, predicate, what, timeout=20):
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.1).until(lambda d: predicate())
        except TimeoutException:
            raise Failure(f"timed out after {timeout} s waiting for {what}; #error: {self.text('#error')!r}; "
                          f"#status: {self.text('#status')!r}; url {self.driver.current_url}")

    def wait_ready(self, main_id, timeout=30, **attrs):
        """Waits for `main#ID[data-ready="1"]` (and attributes like data-kind) with nothing busy."""
        sel = f'main#{main_id}[data-ready="1"]:not([data-test-stale])' + "".join(f'[data-{k.replace("_", "-")}="{v}"]' for k, v in attrs.items())
        self.wait(lambda: self.js("return !!document.querySelector(arguments[0]) && document.body.dataset.busy !== '1'", sel),
                  sel, timeout)

    def idle(self, timeout=30):
        self.wait(lambda: self.js("return document.body.dataset.busy !== '1'"), "body not busy", timeout)

    def exists(self, selector):
        return bool(self.js("return !!document.querySelector(arguments[0])", selector))

    def find(self, selector):
        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def find_all(self, selector):
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def text(self, selector):
        try:
            return self.js("const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : null", selector)
        except Exception:  # noqa: BLE001 — a closed window while reporting another failure
            return None

    def click(self, selector):
        el = self.find(selector)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
        el.click()

    def scroll_to(self, selector):
        """Brings an element to the middle of the window, so a screenshot shows it."""
        self.js("const e = document.querySelector(arguments[0]); if (e) e.scrollIntoView({block: 'center'})", selector)

    def select(self, selector, value):
        Select(self.find(selector)).select_by_value(value)

    def alert_text(self):
        try:
            return self.driver.switch_to.alert.text
        except NoAlertPresentException:
            return None

    # sign-in through the form

    def sign_in(self, username, password="Demo@2026"):
        self.open("/login")
        self.wait(lambda: self.exists("form#login input#username"), "form#login")
        self.find("input#username").clear()
        self.find("input#username").send_keys(username)
        self.find("input#password").clear()
        self.find("input#password").send_keys(password)
        self.click("form#login button[type=submit]")
        self.wait_shell()
        return self

    def wait_shell(self, timeout=30):
        """Signed in: the shell (header#top) and a screen drawn. Which screen is the home one is
        checked by the scope scenario (main#home), so a wrong id there fails that scenario only."""
        self.wait(lambda: self.js("return !!document.querySelector('header#top') && "
                                  "!!document.querySelector('main[data-ready=\"1\"]:not([data-test-stale]):not(.signin)') && "
                                  "document.body.dataset.busy !== '1'"), "header#top and a screen drawn", timeout)

    # evidence

    def shot(self, scenario, step):
        OUTPUT.mkdir(parents=True, exist_ok=True)
        path = OUTPUT / f"{scenario}-{step}.png"
        self.driver.save_screenshot(str(path))
        return path

    def drain_log(self):
        entries = self.driver.get_log("browser")
        self.seen_logs += entries
        return entries

    @staticmethod
    def problems(entries):
        """The entries that fail a scenario: any CSP or Trusted Types message, any SEVERE JS error.
        A SEVERE network line (a 4xx the scenario asked for, like a refused CSRF write) is not one."""
        out = []
        for e in entries:
            msg = e.get("message", "")
            if POLICY.search(msg):
                out.append(msg)
            elif e.get("level") == "SEVERE" and e.get("source") != "network":
                out.append(msg)
        return out

    def quit(self):
        self.closed = True
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.downloads, ignore_errors=True)


AXE_JS = None


def axe_source():
    """axe-core from the PyPI package axe-core-python (axe 4.4.3), read from disk, never fetched."""
    global AXE_JS
    if AXE_JS is None:
        import axe_core_python
        AXE_JS = (Path(axe_core_python.__file__).parent / "axe.min.js").read_text()
    return AXE_JS


def axe_violations(browser):
    """Runs axe in the page; the violations of impact serious or critical, as short strings."""
    browser.js(axe_source())
    result = browser.driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => done(JSON.stringify(r.violations))).catch(e => done('ERROR ' + e));")
    check(not result.startswith("ERROR"), f"axe failed to run: {result}")
    bad = [v for v in json.loads(result) if v.get("impact") in ("serious", "critical")]
    return [f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                                                         for n in v["nodes"][:3]) for v in bad]

"""PostgreSQL's bare indexed list query, for bench/run: a throwaway cluster in the bench's work
directory on a free loopback port, the 生源 records of the jiuyed school under test copied into
one table with the index a tuned implementation would give the list page, and pgbench running
that page's query (20 rows, cohort + college + counselor level status, random college per
transaction, ordered by student number) over TCP like wrk talks to jiuyed. No HTTP: the figure
is the database alone, the bar jiuyed's whole request path is held to (issue 18).

initdb and postgres refuse to run as root: as root the cluster belongs to the `postgres` user
(created when missing) and every server-side program runs through `runuser`."""
import csv, glob, json, os, pwd, re, shutil, subprocess, time

SCHEMA = """
CREATE TABLE source_info (
  id text PRIMARY KEY,             -- the student number; a page is ordered by it
  student_name text,
  college_id int NOT NULL,
  major text,
  class text,
  cohort int NOT NULL,
  state text NOT NULL,
  counselor_status text NOT NULL,
  college_status text NOT NULL,
  school_status text NOT NULL,
  updated timestamptz NOT NULL,
  "values" jsonb NOT NULL
);
"""
# The index of the list page's filters, in the order the page asks them, ending in the sort key:
# a page is one range scan of 20 index entries, no sort.
INDEX = "CREATE INDEX source_info_list ON source_info (cohort, college_id, counselor_status, id);"
COLUMNS = "id, student_name, college_id, major, class, cohort, state, counselor_status, college_status, school_status, updated, \"values\""


def bin_dir():
    """The newest installed PostgreSQL's programs (Debian keeps them off PATH), else PATH's."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    if not initdb:
        raise SystemExit("PostgreSQL is not installed (Debian: apt-get install postgresql-15 postgresql-client-15)")
    return os.path.dirname(os.path.realpath(initdb))


def server_user():
    """None when we may run postgres ourselves; as root, the account that owns the cluster."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"], check=True)
    return "postgres"


def copy_row(r, college_ids):
    levels = r["levels"]
    return [r["id"], r["studentName"], college_ids[r["college"]], r["major"], r["class"], r["cohort"], r["state"],
            levels["counselor"]["status"], levels["college"]["status"], levels["school"]["status"], r["updated"],
            json.dumps(r["values"], ensure_ascii=False, separators=(",", ":"))]


def page_query(cohort, college):
    """The list page's query; college is a literal or a parameter."""
    return (f"SELECT {COLUMNS} FROM source_info WHERE cohort = {cohort} AND college_id = {college} "
            f"AND counselor_status = 'approved' ORDER BY id LIMIT 20")


def write_csv(records, path, college_ids):
    """jiuyed's 生源 records (as its API answers them) as rows of the table, for COPY."""
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        for r in records:
            w.writerow(copy_row(r, college_ids))


class Cluster:
    def __init__(self, work, port):
        self.bin, self.user, self.port = bin_dir(), server_user(), port
        self.dir = os.path.join(work, "pg")
        os.makedirs(self.dir)
        if self.user:
            os.chmod(work, 0o711)  # postgres must reach its directory inside root's work dir
            entry = pwd.getpwnam(self.user)
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)
        self.running = False

    def server_cmd(self, *cmd):
        return (["runuser", "-u", self.user, "--"] if self.user else []) + [f"{self.bin}/{cmd[0]}", *cmd[1:]]

    def start(self):
        data = f"{self.dir}/data"
        subprocess.run(self.server_cmd("initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                                       "--locale", "C", "--no-sync"), check=True, capture_output=True)
        # A tuned server for a read benchmark: the table and its index fit in shared buffers,
        # TCP on loopback only, no Unix socket (its default directory may not exist here).
        options = (f"-c port={self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
                   f"-c shared_buffers=512MB -c max_connections=100 -c fsync=off -c synchronous_commit=off "
                   f"-c full_page_writes=off -c jit=off")
        subprocess.run(self.server_cmd("pg_ctl", "-D", data, "-l", f"{self.dir}/server.log", "-o", options, "-w", "start"),
                       check=True, capture_output=True)
        self.running = True

    def stop(self):
        if self.running:
            subprocess.run(self.server_cmd("pg_ctl", "-D", f"{self.dir}/data", "-m", "immediate", "-w", "stop"),
                           capture_output=True)
            self.running = False

    def psql(self, *commands):
        """The commands in one session, each on its own (psql shows each one's result)."""
        out = subprocess.run([f"{self.bin}/psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-X", "-q",
                              "-v", "ON_ERROR_STOP=1", "-At", *[a for c in commands for a in ("-c", c)]],
                             capture_output=True, text=True)
        if out.returncode != 0:
            raise SystemExit(f"psql failed: {out.stderr}")
        return out.stdout

    def load(self, path):
        """The records written by write_csv into the table, then the index and fresh statistics; seconds spent."""
        t0 = time.time()
        self.psql(SCHEMA)
        self.psql(f"\\copy source_info ({COLUMNS}) FROM '{path}' WITH (FORMAT csv)")
        self.psql(INDEX)
        self.psql("VACUUM ANALYZE source_info")
        return time.time() - t0

    def page_script(self, work, cohort, colleges):
        """pgbench's transaction: the list page at a random one of `colleges` (with -M prepared,
        :college is the statement's one parameter)."""
        pick = " ".join(f"WHEN :k = {i + 1} THEN {c}" for i, c in enumerate(colleges))
        path = f"{work}/list-page.sql"
        with open(path, "w") as f:
            f.write(f"\\set k random(1, {len(colleges)})\n\\set college CASE {pick} END\n"
                    f"{page_query(cohort, ':college')};\n")
        return path

    def check_page(self, cohort, colleges):
        """The prepared query answers 20 rows read from the index in order, in the plan every
        execution will use: a benchmark of the wrong plan is no bar."""
        plan = self.psql("SET plan_cache_mode = force_generic_plan",
                         f"PREPARE page(int) AS {page_query(cohort, '$1')}", f"EXPLAIN EXECUTE page({colleges[0]})",
                         f"CREATE TEMP TABLE answer AS EXECUTE page({colleges[0]})", "SELECT 'rows: ' || count(*) FROM answer")
        if "rows: 20" not in plan or "source_info_list" not in plan or "Sort" in plan:
            raise SystemExit(f"PostgreSQL's list page is not a 20-row index range scan:\n{plan}")

    def pgbench(self, script, clients=64, threads=2, seconds=10):
        out = subprocess.run([f"{self.bin}/pgbench", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-n",
                              "-M", "prepared", "-c", str(clients), "-j", str(threads), "-T", str(seconds), "-f", script,
                              "postgres"], capture_output=True, text=True)
        tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", out.stdout)
        latency = re.search(r"latency average = ([\d.]+) ms", out.stdout)
        failed = re.search(r"number of failed transactions: (\d+)", out.stdout)
        if out.returncode != 0 or not tps or (failed and int(failed.group(1))):
            raise SystemExit(f"pgbench failed:\n{out.stdout}{out.stderr}")
        return {"rate": float(tps.group(1)), "latency": float(latency.group(1)) if latency else 0.0}

"""The measurements of Benchmarks/scale/run: python3 scale.py sqlite|postgres DELIVERIES WORK SERVER-DIR... [PORT].

Four `slipway runner` processes (labels `bench`) take the jobs, spread over the servers; SLIPWAY names the executable."""
import concurrent.futures, hashlib, hmac, json, os, sqlite3, statistics, subprocess, sys, time, urllib.request

backend, count, work, servers = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
port = servers.pop() if backend == "postgres" else None
urls = [json.load(open(f"{directory}/server.json"))["url"] for directory in servers]
tokens = [open(f"{directory}/admin-token").read().strip() for directory in servers]


def request(index, method, path, body=None, headers=None):
    req = urllib.request.Request(urls[index] + path, method=method, data=None if body is None else body.encode())
    req.add_header("Authorization", f"Bearer {tokens[index]}")
    req.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    with urllib.request.urlopen(req, timeout=60) as response:
        text = response.read().decode()
        return json.loads(text) if text.startswith(("{", "[")) else text


app = f"{work}/app-{backend}"
os.makedirs(f"{app}/.github/workflows")
open(f"{app}/.github/workflows/ci.yml", "w").write(
    "on: push\njobs:\n  quick:\n    runs-on: [self-hosted, bench]\n    steps:\n      - run: true\n")
identity = ["-c", "user.email=bench@slipway.invalid", "-c", "user.name=bench"]
subprocess.run(["git", "init", "-q", "-b", "main", app], check=True)
subprocess.run(["git", "-C", app, *identity, "add", "-A"], check=True)
subprocess.run(["git", "-C", app, *identity, "commit", "-qm", "ci"], check=True)
sha = subprocess.run(["git", "-C", app, "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()
secret = "scale-secret"
project = request(0, "POST", "/api/v1/projects", json.dumps({"name": f"scale-{backend}", "repository": app, "webhook_secret": secret}))
payload = json.dumps({"ref": "refs/heads/main", "before": "0" * 40, "after": sha,
                      "repository": {"full_name": "bench/app", "clone_url": app}, "commits": []})
signature = "sha256=" + hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()

runners = []
for n in range(4):
    token = request(n % len(urls), "POST", "/api/v1/runners", json.dumps({"name": f"{backend}-runner-{n}"}))["token"]
    token_file = f"{work}/{backend}-runner-{n}.token"
    open(token_file, "w").write(token)
    runners.append(subprocess.Popen(
        [os.environ["SLIPWAY"], "runner", "--server", urls[n % len(urls)], "--token-file", token_file, "--labels", "bench",
         "--work", f"{work}/{backend}-runner-{n}"], stdout=open(f"{work}/{backend}-runner-{n}.log", "w"), stderr=subprocess.STDOUT))


def deliver(n):
    request(n % len(urls), "POST", "/api/v1/hooks/github", payload,
            {"X-GitHub-Event": "push", "X-GitHub-Delivery": f"scale-{n}", "X-Hub-Signature-256": signature})


with concurrent.futures.ThreadPoolExecutor(16) as pool:
    list(pool.map(deliver, range(count)))
query = f"SELECT state FROM serverEvent WHERE projectId = {project['id']}"
jobs_query = ("SELECT e.createdAt, j.createdAt, j.startedAt, j.finishedAt, j.state FROM runnerJob j JOIN run r ON r.id = j.runId "
              f"JOIN serverEvent e ON e.id = r.eventId WHERE e.projectId = {project['id']}")


def rows(sql):
    if backend == "sqlite":
        return sqlite3.connect(f"{servers[0]}/server.sqlite").execute(sql).fetchall()
    out = subprocess.run(["/usr/lib/postgresql/15/bin/psql", "-h", "127.0.0.1", "-p", port, "-U", "slipway", "-d", "slipway",
                          "-At", "-F", ",", "-c", sql], check=True, capture_output=True, text=True).stdout
    return [line.split(",") for line in out.splitlines() if line]


deadline = time.time() + 3600
while time.time() < deadline:
    states = [row[0] for row in rows(query)]
    if len(states) == count and all(state in ("completed", "failed") for state in states):
        break
    time.sleep(0.5)
else:
    raise SystemExit(f"{backend}: the queue did not drain within an hour")
for runner in runners:
    runner.terminate()
    runner.wait(timeout=60)
jobs = [(float(a), float(b), float(c or 0), float(d or 0), e) for a, b, c, d, e in rows(jobs_query)]
failed = sum(1 for state in states if state != "completed") + sum(1 for *_, state in jobs if state != "finished")


def median_p99(values):
    values = sorted(values)
    return statistics.median(values), values[max(0, int(len(values) * 0.99 + 0.5) - 1)]


push_median, push_p99 = median_p99((started - pushed) * 1000 for pushed, _, started, _, _ in jobs)
queue_median, queue_p99 = median_p99((started - queued) * 1000 for _, queued, started, _, _ in jobs)
span = max(finished for *_, finished, _ in jobs) - min(pushed for pushed, *_ in jobs)
setup = "SQLite, one server" if backend == "sqlite" else "PostgreSQL 15, two replicas"
print(f"{setup}, 4 runners: {len(jobs)} jobs of {count} deliveries ({failed} failed) drained at {len(jobs) / span:.1f}/s; "
      f"job queue-to-start median {queue_median:.0f} ms, p99 {queue_p99:.0f} ms; "
      f"push-to-start median {push_median / 1000:.1f} s, p99 {push_p99 / 1000:.1f} s")

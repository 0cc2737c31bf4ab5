"""The measurements of Benchmarks/scale/run: python3 scale.py sqlite|postgres DELIVERIES WORK SERVER-DIR... [PORT]."""
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
    "on: push\njobs:\n  quick:\n    runs-on: ubuntu-latest\n    steps:\n      - run: true\n")
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


def deliver(n):
    request(n % len(urls), "POST", "/api/v1/hooks/github", payload,
            {"X-GitHub-Event": "push", "X-GitHub-Delivery": f"scale-{n}", "X-Hub-Signature-256": signature})


with concurrent.futures.ThreadPoolExecutor(16) as pool:
    list(pool.map(deliver, range(count)))
query = f"SELECT createdAt, startedAt, finishedAt, state FROM serverEvent WHERE projectId = {project['id']}"


def events():
    if backend == "sqlite":
        return sqlite3.connect(f"{servers[0]}/server.sqlite").execute(query).fetchall()
    out = subprocess.run(["/usr/lib/postgresql/15/bin/psql", "-h", "127.0.0.1", "-p", port, "-U", "slipway", "-d", "slipway",
                          "-At", "-F", ",", "-c", query], check=True, capture_output=True, text=True).stdout
    rows = [line.split(",") for line in out.splitlines() if line]
    return [(float(created), float(started or 0), float(finished or 0), state) for created, started, finished, state in rows]


deadline = time.time() + 3600
while time.time() < deadline:
    times = events()
    if len(times) == count and all(state in ("completed", "failed") for *_, state in times):
        break
    time.sleep(0.5)
else:
    raise SystemExit(f"{backend}: the queue did not drain within an hour")
failed = sum(1 for *_, state in times if state != "completed")
latencies = sorted((started - created) * 1000 for created, started, _, _ in times)
span = max(finished for _, _, finished, _ in times) - min(created for created, _, _, _ in times)
p99 = latencies[max(0, int(len(latencies) * 0.99 + 0.5) - 1)]
setup = "SQLite, one server, 4 workers" if backend == "sqlite" else "PostgreSQL 15, two replicas, 2 workers each"
print(f"{setup}: {count} deliveries ({failed} failed) drained at {count / span:.1f}/s; "
      f"queue-to-start latency median {statistics.median(latencies):.0f} ms, p99 {p99:.0f} ms")

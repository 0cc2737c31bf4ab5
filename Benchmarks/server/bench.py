"""The measurements of Benchmarks/server/run (see there): python3 bench.py SLIPWAY WORK SERVER_PID ROUNDS target|none."""
import hashlib, hmac, http.client, json, os, sqlite3, statistics, subprocess, sys, time, urllib.parse, urllib.request

slipway, work, server_pid, rounds, target = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "target"
record = json.load(open(f"{work}/server/server.json"))
url = record["url"]
token = open(f"{work}/server/admin-token").read().strip()
parsed = urllib.parse.urlparse(url)
git_identity = ["-c", "user.email=bench@slipway.invalid", "-c", "user.name=bench"]


def api(method, path, body=None, headers=None):
    request = urllib.request.Request(url + path, method=method, data=None if body is None else body.encode())
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read().decode()
        return json.loads(text) if text.startswith(("{", "[")) else text


def git(directory, *arguments):
    return subprocess.run(["git", "-C", directory, *git_identity, *arguments], check=True, capture_output=True, text=True).stdout.strip()


def wait_for(path, limit=30.0):
    deadline = time.time() + limit
    while time.time() < deadline:
        if os.path.exists(path) and os.path.getsize(path) > 0:
            return float(open(path).read().strip())
        time.sleep(0.002)
    deliveries = api("GET", "/api/v1/deliveries?limit=3")
    runs = api("GET", "/api/v1/runs?limit=3")
    raise SystemExit(f"nothing wrote {path} within {limit} s; deliveries: {deliveries}; runs: {runs}")


def summary(values):
    values = sorted(values)
    return statistics.median(values), values[max(0, int(len(values) * 0.99 + 0.5) - 1)], values[-1]


# 1. Webhook → first step running, against `slipway run`'s own step start.
app = f"{work}/app"
marks = f"{work}/marks"
os.makedirs(f"{app}/.github/workflows")
os.makedirs(marks)
open(f"{app}/.github/workflows/ci.yml", "w").write(
    "on: push\njobs:\n  first:\n    runs-on: ubuntu-latest\n    steps:\n"
    f"      - run: date +%s.%N > {marks}/x-$GITHUB_SHA\n")
subprocess.run(["git", "init", "-q", "-b", "main", app], check=True)
open(f"{app}/counter", "w").write("0")
git(app, "add", "-A")
git(app, "commit", "-qm", "ci")
secret = "bench-secret"
project = api("POST", "/api/v1/projects", json.dumps({"name": "bench", "repository": app, "webhook_secret": secret}))
server_ms, run_ms = [], []
for n in range(rounds):
    open(f"{app}/counter", "w").write(str(n + 1))
    git(app, "commit", "-qam", f"round {n + 1}")
    sha = git(app, "rev-parse", "HEAD")
    payload = json.dumps({"ref": "refs/heads/main", "before": "0" * 40, "after": sha,
                          "repository": {"full_name": "bench/app", "clone_url": app}, "commits": []})
    signature = "sha256=" + hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
    before = time.time()
    api("POST", "/api/v1/hooks/github", payload,
        {"X-GitHub-Event": "push", "X-GitHub-Delivery": f"bench-{n}", "X-Hub-Signature-256": signature})
    server_ms.append((wait_for(f"{marks}/x-{sha}") - before) * 1000)
    os.remove(f"{marks}/x-{sha}")
    before = time.time()
    local = subprocess.Popen([slipway, "run", "push"], cwd=app, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run_ms.append((wait_for(f"{marks}/x-{sha}") - before) * 1000)
    local.wait()
    os.remove(f"{marks}/x-{sha}")
server_median, server_p99, server_max = summary(server_ms)
run_median, _, run_max = summary(run_ms)
print(f"webhook → first step running over {rounds} pushes: median {server_median:.1f} ms, max {server_max:.1f} ms (budget 100 ms median)")
print(f"  slipway run → first step running: median {run_median:.1f} ms, max {run_max:.1f} ms; "
      f"server/run ratio {server_median / run_median:.2f}")

# 2. git push → sync started (the local target's sync controller inside the server).
if target:
    src, bare, edit = f"{work}/gitops-src", f"{work}/gitops.git", f"{work}/gitops-edit"
    os.makedirs(f"{src}/overlays/app-1")
    open(f"{src}/overlays/app-1/kustomization.yaml", "w").write(
        "namespace: bench\nresources:\n- settings.yaml\ncommonAnnotations:\n  revision: \"0\"\n")
    open(f"{src}/overlays/app-1/settings.yaml", "w").write("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  LEVEL: info\n")
    open(f"{src}/slipway.yaml", "w").write(
        f"applications:\n- name: app-1\n  repository: {bare}\n  path: overlays/app-1\n  namespace: bench\n"
        "  syncPolicy:\n    automated: {prune: true, selfHeal: true}\n")
    subprocess.run(["git", "init", "-q", "-b", "main", src], check=True)
    git(src, "add", "-A")
    git(src, "commit", "-qm", "app-1")
    subprocess.run(["git", "clone", "-q", "--bare", src, bare], check=True)
    subprocess.run(["git", "clone", "-q", bare, edit], check=True)
    api("POST", "/api/v1/projects", json.dumps({"name": "gitops", "repository": bare}))
    deadline = time.time() + 60
    while api("GET", "/api/v1/applications/app-1").get("sync_status") != "Synced":
        if time.time() > deadline:
            raise SystemExit("app-1 was not synced within 60 s")
        time.sleep(0.1)
    store = sqlite3.connect(f"{work}/delivery.sqlite", timeout=10)
    delays = []
    for n in range(max(5, rounds // 2)):
        kustomization = f"{edit}/overlays/app-1/kustomization.yaml"
        text = open(kustomization).read()
        open(kustomization, "w").write(text.replace(text[text.index("revision:"):], f"revision: \"{n + 1}\"\n"))
        git(edit, "commit", "-qam", f"revision {n + 1}")
        sha = git(edit, "rev-parse", "HEAD")
        before = time.time()
        git(edit, "push", "-q", "origin", "main")
        deadline = before + 30
        started = None
        while started is None and time.time() < deadline:
            row = store.execute("SELECT startedAt FROM syncRecord WHERE application = 'app-1' AND revision = ?", (sha,)).fetchone()
            started = row[0] if row else None
            time.sleep(0.005)
        if started is None:
            raise SystemExit(f"no sync of {sha[:8]} within 30 s")
        delays.append((started - before) * 1000)
    median, _, worst = summary(delays)
    print(f"git push → sync started over {len(delays)} pushes: median {median:.1f} ms, max {worst:.1f} ms (budget 1 s)")
    print(f"  vs Argo CD's default refresh (180 s): {180000 / median:.0f}x sooner at the median, {180000 / worst:.0f}x at the max")
else:
    print("git push → sync started: not measured (the local target needs root)")

# 3. GET /api/v1/runs?limit=50 with 10,000 runs stored.
database = sqlite3.connect(f"{work}/server/server.sqlite", timeout=10)
stored = database.execute("SELECT COUNT(*) FROM run").fetchone()[0]
now = time.time()
database.executemany(
    "INSERT INTO run (workflowPath, workflowName, event, ref, sha, result, startedAt, duration, projectId) VALUES (?,?,?,?,?,?,?,?,?)",
    [(".github/workflows/ci.yml", "ci", "push", "refs/heads/main", f"{i:040x}", "success", now - i, 1.5, project["id"])
     for i in range(10000 - stored)])
database.commit()
connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
timings = []
for n in range(520):
    before = time.perf_counter()
    connection.request("GET", "/api/v1/runs?limit=50", headers={"Authorization": f"Bearer {token}"})
    response = connection.getresponse()
    body = response.read()
    if n >= 20:
        timings.append((time.perf_counter() - before) * 1000)
    assert response.status == 200 and len(json.loads(body)) == 50
median, p99, worst = summary(timings)
print(f"GET /api/v1/runs?limit=50 with 10,000 runs: p50 {median:.2f} ms, p99 {p99:.2f} ms, max {worst:.2f} ms over 500 (budget 20 ms p99)")

# 4. Memory with 100 projects registered and idle.
projects = f"{work}/projects"
for i in range(100):
    repository = f"{projects}/p{i}"
    os.makedirs(repository)
    subprocess.run(["git", "init", "-q", "-b", "main", repository], check=True)
    open(f"{repository}/README", "w").write(f"project {i}\n")
    git(repository, "add", "-A")
    git(repository, "commit", "-qm", "init")
    api("POST", "/api/v1/projects", json.dumps({"name": f"p{i}", "repository": repository}))
time.sleep(3)  # idle: no request, no event
rss = next(int(line.split()[1]) for line in open(f"/proc/{server_pid}/status") if line.startswith("VmRSS:"))
print(f"server memory with {len(api('GET', '/api/v1/projects'))} projects idle: {rss / 1024:.1f} MiB resident (budget 100 MiB)")

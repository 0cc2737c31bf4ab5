"""The measurements of Benchmarks/ui/run (see there): python3 overview.py WORK REQUESTS target|none."""
import http.client, json, os, sqlite3, statistics, subprocess, sys, time, urllib.parse, urllib.request

work, requests, target = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "target"
url = json.load(open(f"{work}/server/server.json"))["url"]
token = open(f"{work}/server/admin-token").read().strip()
parsed = urllib.parse.urlparse(url)
APPLICATIONS, RELEASES = 200, 1000


def api(method, path, body=None):
    request = urllib.request.Request(url + path, method=method, data=None if body is None else body.encode())
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read().decode())


def git(directory, *arguments):
    identity = ["-c", "user.email=bench@slipway.invalid", "-c", "user.name=bench"]
    return subprocess.run(["git", "-C", directory, *identity, *arguments], check=True, capture_output=True, text=True).stdout


# A project declaring 200 applications, each its own namespace over one small tree (manual sync: nothing is applied,
# each is compared with the target).
source, bare = f"{work}/gitops-src", f"{work}/gitops.git"
os.makedirs(f"{source}/app")
open(f"{source}/app/kustomization.yaml", "w").write("resources:\n- settings.yaml\n")
open(f"{source}/app/settings.yaml", "w").write("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  LEVEL: info\n")
environments = ["qa", "pre", "prod"]
open(f"{source}/slipway.yaml", "w").write("applications:\n" + "".join(
    f"- name: app-{n}\n  repository: {bare}\n  path: app\n  namespace: bench-{n}\n  environment: {environments[n % 3]}\n"
    for n in range(APPLICATIONS)))
subprocess.run(["git", "init", "-q", "-b", "main", source], check=True)
git(source, "add", "-A")
git(source, "commit", "-qm", "200 applications")
subprocess.run(["git", "clone", "-q", "--bare", source, bare], check=True)
api("POST", "/api/v1/projects", json.dumps({"name": "gitops", "repository": bare}))
deadline = time.time() + 120
while len(api("GET", "/api/v1/projects/1/applications").get("applications", [])) < APPLICATIONS:
    if time.time() > deadline:
        raise SystemExit("the 200 applications were not declared within 120 s")
    time.sleep(0.2)

# 1,000 releases, five per application, the newest of every fourth application waiting at its gate.
store = sqlite3.connect(f"{work}/delivery.sqlite", timeout=10)
now = time.time()
rows = []
for n in range(RELEASES):
    application = n % APPLICATIONS
    newest = n >= RELEASES - APPLICATIONS
    waiting = newest and application % 4 == 0
    state = {"atGate": {"step": 1, "reason": {"manualPause": {}}}} if waiting else {"succeeded": {}}
    started = now - (RELEASES - n) * 60
    detail = {
        "id": n + 1, "key": f"bench-{n}", "application": f"app-{application}", "environment": environments[application % 3],
        "namespace": f"bench-{application}", "canary": "settings", "revision": f"{n:040x}",
        "images": [f"127.0.0.1:5000/app:{n:08x}"], "previousImages": [f"127.0.0.1:5000/app:{max(n - APPLICATIONS, 0):08x}"],
        "stepCount": 3, "state": state, "canaryWeight": 10 if waiting else 0,
        "message": "waiting at a manual gate" if waiting else "promoted", "startedAt": started,
        "finishedAt": None if waiting else started + 30, "pending": []}
    rows.append((n + 1, detail["application"], detail["environment"], detail["revision"], "Paused" if waiting else "Succeeded",
                 detail["message"], started, detail["finishedAt"], json.dumps(detail, sort_keys=True)))
store.executemany("INSERT INTO release (id, application, environment, revision, phase, summary, startedAt, finishedAt, detail, active)"
                  " VALUES (?,?,?,?,?,?,?,?,?,0)", rows)
store.commit()


def measure(headers):
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
    timings, size = [], 0
    for n in range(requests + 20):
        before = time.perf_counter()
        connection.request("GET", "/", headers=headers)
        response = connection.getresponse()
        body = response.read()
        if n >= 20:
            timings.append((time.perf_counter() - before) * 1000)
        if response.status != 200 or b"app-199" not in body:
            raise SystemExit(f"GET / answered {response.status}: {body[:300]!r}")
        size = len(body)
    timings.sort()
    return statistics.median(timings), timings[max(0, int(len(timings) * 0.99 + 0.5) - 1)], timings[-1], size


cookie = {"Cookie": f"slipway_session={token}"}
# The sync controller compares every application with the target in the background: measured once all are.
deadline = time.time() + 300
while True:
    body = urllib.request.urlopen(urllib.request.Request(url + "/", headers=cookie), timeout=60).read().decode()
    if not target or "not compared yet" not in body:
        break
    if time.time() > deadline:
        raise SystemExit(f"{body.count('not compared yet')} applications were still not compared after 300 s")
    time.sleep(0.5)
cards = body.count('<article class="card"')
waiting = body.count("waiting at a gate")
statuses = {name: body.count(f'class="badge {tone}">{name}<') for name, tone in [("Synced", "good"), ("OutOfSync", "bad"), ("Missing", "bad")]}
print(f"overview: {cards} application cards ({', '.join(f'{n} {k}' for k, n in statuses.items())}), {waiting} waiting at a gate, {RELEASES} releases stored"
      f" ({'on the local target' if target else 'no target: sync status and health Unknown'})")
for name, headers in [("GET / (whole page)", cookie), ("GET / (live refresh, X-Slipway-Fragment)", {**cookie, "X-Slipway-Fragment": "1"})]:
    median, p99, worst, size = measure(headers)
    print(f"{name}: p50 {median:.2f} ms, p99 {p99:.2f} ms, max {worst:.2f} ms over {requests} requests, {size / 1024:.0f} KiB"
          " (budget 50 ms)")

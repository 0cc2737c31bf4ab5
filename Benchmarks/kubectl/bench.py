"""Benchmarks/kubectl/bench.py ROUNDS WORK KUBECTL SERVER: the figures of Benchmarks/kubectl/run (see there)."""
import json
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

rounds, work, kubectl, server = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
base = [kubectl, "--kubeconfig", f"{work}/kubeconfig", "--cache-dir", f"{work}/cache"]


def timed(*args, check=True):
    start = time.perf_counter()
    result = subprocess.run(base + list(args), capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if check and result.returncode != 0:
        sys.exit(f"kubectl {' '.join(args)} failed: {result.stderr}")
    return elapsed, result.stdout


def median_ms(samples):
    return statistics.median(samples) * 1000


client_only, get_cm, get_pods, create_ref, apply_created, apply_unchanged = [], [], [], [], [], []
objects = f"{work}/objects"
for _ in range(rounds):
    client_only.append(timed("version", "--client")[0])
    create_ref.append(timed("create", "--dry-run=client", "-o", "name", "-f", objects)[0])
    elapsed, out = timed("apply", "-f", objects)
    assert out.count("created") == 100, out
    apply_created.append(elapsed)
    elapsed, out = timed("apply", "-f", objects)
    assert out.count("unchanged") == 100, out
    apply_unchanged.append(elapsed)
    elapsed, out = timed("get", "configmaps", "-A")
    assert out.count("bench-") == 100, out
    get_cm.append(elapsed)
    get_pods.append(timed("get", "pods", "-A", check=False)[0])
    timed("delete", "-f", objects, "--wait=false")

# Watch latency: one watch on ConfigMaps; each merge patch is timed from the moment it is sent to the event's arrival.
timed("apply", "-f", f"{objects}/cm-1.yaml")
url = f"{server}/api/v1/namespaces/default/configmaps"
listing = json.load(urllib.request.urlopen(url))
events, lock, arrivals = [], threading.Lock(), {}


def watch():
    stream = urllib.request.urlopen(f"{url}?watch=true&resourceVersion={listing['metadata']['resourceVersion']}&timeoutSeconds=120")
    for line in stream:
        event = json.loads(line)
        marker = event["object"].get("data", {}).get("marker")
        if marker:
            with lock:
                arrivals[marker] = time.perf_counter()


threading.Thread(target=watch, daemon=True).start()
time.sleep(0.5)  # the watch is open before the first change (nothing to wait on from outside the server)
sent = {}
for i in range(50):
    marker = f"m{i}"
    request = urllib.request.Request(
        f"{url}/bench-001", method="PATCH", data=json.dumps({"data": {"marker": marker}}).encode(),
        headers={"Content-Type": "application/merge-patch+json"})
    sent[marker] = time.perf_counter()
    urllib.request.urlopen(request).read()
    deadline = time.perf_counter() + 5
    while time.perf_counter() < deadline:
        with lock:
            if marker in arrivals:
                break
        time.sleep(0.0005)
latencies = [arrivals[m] - sent[m] for m in sent if m in arrivals]

reference = median_ms(client_only)
print(f"kubectl version --client (kubectl's own start, no server): {reference:.1f} ms")
print(f"kubectl get configmaps -A (100 objects): {median_ms(get_cm):.1f} ms  ratio to client-only {median_ms(get_cm) / reference:.2f}")
print(f"kubectl get pods -A: {median_ms(get_pods):.1f} ms  ratio to client-only {median_ms(get_pods) / reference:.2f}")
print(f"kubectl create --dry-run=client -f 100 ConfigMaps (client-only): {median_ms(create_ref):.1f} ms")
print(f"kubectl apply -f 100 ConfigMaps, created: {median_ms(apply_created):.1f} ms  ratio {median_ms(apply_created) / median_ms(create_ref):.2f}")
print(f"kubectl apply -f 100 ConfigMaps, unchanged: {median_ms(apply_unchanged):.1f} ms  ratio {median_ms(apply_unchanged) / median_ms(create_ref):.2f}")
print(f"watch event after a change: {len(latencies)}/50 delivered, median {median_ms(latencies):.2f} ms, max {max(latencies) * 1000:.2f} ms")

"""Sequential GETs, one new connection each (busybox httpd closes them anyway); prints the median and p90 in ms."""
import http.client, statistics, sys, time

host, port, header_host, count = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
times = []
for i in range(count + 50):
    started = time.perf_counter()
    connection = http.client.HTTPConnection(host, port, timeout=5)
    connection.request("GET", "/", headers={"Host": header_host})
    response = connection.getresponse()
    response.read()
    connection.close()
    if response.status != 200:
        sys.exit(f"HTTP {response.status}")
    if i >= 50:  # warm-up
        times.append((time.perf_counter() - started) * 1000)
times.sort()
print(f"{statistics.median(times):.4f} {times[int(len(times) * 0.9)]:.4f}")

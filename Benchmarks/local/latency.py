"""Sequential GETs as an HTTP/1.1 client makes them: the connection is kept while the server keeps it (Envoy does),
and opened again when the server closes it (busybox httpd closes every one). Prints the median and p90 in ms."""
import http.client, statistics, sys, time

host, port, header_host, count = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
times = []
connection = None
for i in range(count + 50):
    started = time.perf_counter()
    if connection is None:
        connection = http.client.HTTPConnection(host, port, timeout=5)
    connection.request("GET", "/", headers={"Host": header_host})
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        sys.exit(f"HTTP {response.status}")
    if response.will_close:
        connection.close()
        connection = None
    if i >= 50:  # warm-up
        times.append((time.perf_counter() - started) * 1000)
times.sort()
print(f"{statistics.median(times):.4f} {times[int(len(times) * 0.9)]:.4f}")

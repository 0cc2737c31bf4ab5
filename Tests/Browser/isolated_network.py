#!/usr/bin/env python3
"""Runs a browser script (and so Chromium) in a network namespace of its own, its base_url still reaching the server.

Chromium drops every request in flight when the machine's network changes (net::ERR_NETWORK_CHANGED), and the suite's
other tests create and remove network interfaces all the time (the local target's bridge and its pods' veth pairs). In a
namespace of its own the browser sees none of that: its 127.0.0.1:PORT is forwarded through a Unix socket (the file
system is shared) to the server's 127.0.0.1:PORT outside.

Usage: isolated_network.py SCRIPT < settings.json (settings as SCRIPT reads them, with base_url). Needs root (unshare);
otherwise SCRIPT runs as it is, and says so.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import urllib.parse


def pump(source, destination):
    """Copies one direction of a connection until its end, then ends that direction on the other side."""
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            destination.sendall(data)
        destination.shutdown(socket.SHUT_WR)
    except OSError:
        for side in (source, destination):
            try:
                side.close()
            except OSError:
                pass


def serve(listener, connect):
    while True:
        try:
            client, _ = listener.accept()
        except OSError:
            return
        try:
            upstream = connect()
        except OSError:
            client.close()
            continue
        threading.Thread(target=pump, args=(client, upstream), daemon=True).start()
        threading.Thread(target=pump, args=(upstream, client), daemon=True).start()


def outside(script, settings):
    port = urllib.parse.urlparse(json.loads(settings)["base_url"]).port
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        print("note: the browser shares the machine's network (no root for a namespace of its own)", flush=True)
        return subprocess.run([sys.executable, script], input=settings).returncode
    directory = tempfile.mkdtemp(prefix="slipway-browser-net-")
    path = os.path.join(directory, "server.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    threading.Thread(target=serve, args=(listener, lambda: socket.create_connection(("127.0.0.1", port))), daemon=True).start()
    try:
        return subprocess.run(["unshare", "--net", "--", sys.executable, __file__, "--inside", path, script], input=settings).returncode
    finally:
        listener.close()
        shutil.rmtree(directory, ignore_errors=True)


def inside(path, script, settings):
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    port = urllib.parse.urlparse(json.loads(settings)["base_url"]).port
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(64)

    def connect():
        upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        upstream.connect(path)
        return upstream

    threading.Thread(target=serve, args=(listener, connect), daemon=True).start()
    return subprocess.run([sys.executable, script], input=settings).returncode


def main():
    settings = sys.stdin.buffer.read()
    if len(sys.argv) == 4 and sys.argv[1] == "--inside":
        sys.exit(inside(sys.argv[2], sys.argv[3], settings))
    sys.exit(outside(sys.argv[1], settings))


if __name__ == "__main__":
    main()

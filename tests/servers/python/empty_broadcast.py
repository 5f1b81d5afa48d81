# Broken on purpose, as a stage 4 server: it does not check for b'' and broadcasts what
# recv() returns once a client has closed, as the notes' stages 2-3 do (an empty message),
# then goes on with the client still in the dict.
# Why it exists: the grader's hint must name the empty message it saw, not guess.
# Port: argv[1], or $PORT.
import datetime
import socket
import threading

from chat import header, listen

clients = {}
lock = threading.Lock()


def recv(sock, client):
    while True:
        try:
            data = sock.recv(1024)
        except OSError:
            return
        text = data.decode(errors="replace")
        if text.strip() == "quit" and data:
            with lock:
                clients.pop(client, None)
            sock.close()
            return
        msg = (header(client) + text + "\n").encode()
        with lock:
            targets = list(clients.values())
        for s in targets:
            try:
                s.sendall(msg)
            except OSError:
                pass
        if not data:
            return


listener = listen()
while True:
    sock, client = listener.accept()
    with lock:
        clients[client] = sock
    threading.Thread(target=recv, args=(sock, client), daemon=True).start()

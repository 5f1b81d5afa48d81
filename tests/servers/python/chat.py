# The skeleton of these test servers, copied from tests/check/chat.py (the skeleton of
# netlab's broken test servers): a threaded chat server in the notes' shape (a thread per
# client, every message to every client behind a header, chunks of recv(1024)), with the
# parts each server changes passed in. It listens on 127.0.0.1, on the port in argv[1] or
# else $PORT, prints nothing, and keeps going when a client misbehaves. Changed from the
# original: the port may come from argv[1], and `listener` is made outside serve() so
# that a server can fork after binding (setsid_escape.py).
import datetime
import os
import socket
import sys
import threading


def header(client):
    return "{:%Y%m/%d %H:%M:%S} {}:{}\n".format(datetime.datetime.now(), *client)


def the_port():
    return int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ["PORT"])


def listen():
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", the_port()))
    listener.listen(5)
    return listener


def serve(message=lambda client, data: header(client) + data + "\n",
          to_sender=True, on_line=None, recv=lambda sock: sock.recv(1024), listener=None,
          clients=None):
    clients = {} if clients is None else clients
    lock = threading.Lock()
    listener = listen() if listener is None else listener

    def remove(sock, client):
        with lock:
            clients.pop(client, None)
        sock.close()

    def handle(sock, client):
        try:
            while True:
                data = recv(sock)
                if not data:
                    break
                text = data.decode()
                if on_line and on_line(sock, client, text) == "remove":
                    break
                msg = message(client, text).encode()
                with lock:
                    targets = [s for c, s in clients.items() if to_sender or c != client]
                for s in targets:
                    try:
                        s.sendall(msg)
                    except OSError:
                        pass
        except (OSError, UnicodeDecodeError):
            pass
        remove(sock, client)

    while True:
        sock, client = listener.accept()
        with lock:
            clients[client] = sock
        threading.Thread(target=handle, args=(sock, client), daemon=True).start()

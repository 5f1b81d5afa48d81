# The skeleton of netlab's broken test servers: a threaded chat server in the notes'
# shape (a thread per client, every message to every client behind a header), with the
# parts each broken server changes passed in. It listens on $PORT, prints nothing, and
# keeps going when a client misbehaves, so the grader's output depends only on the wire.
import datetime
import os
import socket
import threading


def header(client):
    return "{:%Y%m/%d %H:%M:%S} {}:{}\n".format(datetime.datetime.now(), *client)


def serve(message=lambda client, data: header(client) + data + "\n",
          to_sender=True, on_line=None, recv=lambda sock: sock.recv(1024), port=None):
    clients = {}
    lock = threading.Lock()
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", int(os.environ["PORT"]) if port is None else port))
    listener.listen(5)

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

# Broken on purpose, as the notes' stage 4 is: a client that resets raises
# ConnectionResetError in recv(), which nothing catches, so its thread dies and the client
# stays in the dict; the next sender's broadcast then dies on that dead socket before it
# reaches anyone.
# Why it exists: the grader must not call this "the sender is left out of the broadcast":
# nobody at all received the line.
# Port: argv[1], or $PORT.
import threading

from chat import header, listen

clients = {}
lock = threading.Lock()


def recv(sock, client):
    while True:
        data = sock.recv(1024)  # ConnectionResetError ends the thread: not caught
        text = data.decode()
        if text.strip() in ("quit", ""):
            with lock:
                clients.pop(client, None)
            sock.close()
            return
        msg = (header(client) + text + "\n").encode()
        for s in list(clients.values()):
            s.send(msg)  # BrokenPipeError on the dead client ends this thread too


listener = listen()
while True:
    sock, client = listener.accept()
    with lock:
        clients[client] = sock
    threading.Thread(target=recv, args=(sock, client), daemon=True).start()

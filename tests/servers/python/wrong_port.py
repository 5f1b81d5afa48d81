# Broken on purpose: listens on a port of its own choosing, not the one it was given.
import socket

from chat import serve

listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(5)
serve(listener=listener)

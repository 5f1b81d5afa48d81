# Broken on purpose: closes each client's connection after its first message.
from chat import serve


def after_one(sock, client, text):
    count = after_one.seen.get(client, 0)
    after_one.seen[client] = count + 1
    return "remove" if count >= 1 else None


after_one.seen = {}
serve(on_line=after_one)

# Broken on purpose, as stage 6: handles `quit` and blank lines, but frames messages by
# recv(1024), as stages 2-5 do, instead of reading whole lines.
from chat import serve


def quit_or_blank(sock, client, text):
    return "remove" if text.strip() in ("quit", "") else None


serve(on_line=quit_or_blank)

# Broken on purpose: writes the header's time as 2026-12-04 14:45:52, not in the notes'
# %Y%m/%d %H:%M:%S.
import datetime

from chat import serve


def message(client, data):
    now = datetime.datetime.now()
    return "{:%Y-%m-%d %H:%M:%S} {}:{}\n".format(now, *client) + data + "\n"


serve(message=message)

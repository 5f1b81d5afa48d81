# Broken on purpose: stamps the header in UTC, where the notes use datetime.now(), the
# local time.
import datetime

from chat import serve


def message(client, data):
    now = datetime.datetime.now(datetime.timezone.utc)
    return "{:%Y%m/%d %H:%M:%S} {}:{}\n".format(now, *client) + data + "\n"


serve(message=message)

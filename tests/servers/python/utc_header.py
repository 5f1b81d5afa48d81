# A stage 2 server (the skeleton in chat.py, as tests/check/utc_header.py) whose header
# carries the time in UTC, where the notes use datetime.now(), the local time. With TZ
# unset (UTC) the two agree; with, say, TZ=CST-8 the header is 8 hours behind.
# Why it exists: when the only difference is the hour, a grader must say so ("the header's
# time is 8 h behind: UTC instead of local time"); printing expected and received with the
# time masked (both `YYYYMM/DD hh:mm:ss`) shows two identical lines and explains nothing.
# Port: argv[1], or $PORT.
import datetime

from chat import serve


def message(client, data):
    now = datetime.datetime.now(datetime.timezone.utc)
    return "{:%Y%m/%d %H:%M:%S} {}:{}\n".format(now, *client) + data + "\n"


serve(message=message)

# netlab's messages in English. Each message is an id, `=`, and its text; `{ $name }` is
# an argument. A message whose text runs over several lines continues on indented lines.
# messages/zh.ftl has the same ids with the same arguments (a test checks it).

## Words that several messages use

count-threads = { $n ->
    [one] { $n } thread
   *[other] { $n } threads
}

## Units

unit-ms = { $n } ms
unit-s = { $n } s

## netlab's own lines: the prefix of an error and of a warning

netlab-error = netlab: error: { $message }

## netlab stages (src/main.rs): the notes' heading after each stage's title

stages-heading = ({ $heading })
stages-client = ({ $heading }): { $command }

## netlab explain

explain-list-heading = netlab explain PAGE prints one of these pages (from docs/, embedded in netlab):
explain-link-page = { $text } ({ $command })
explain-link-url = { $text } <{ $url }>
explain-not-translated = netlab: the page { $page } has not been written in this language yet; here it is in the other ({ $file }).

## netlab diff

diff-heading-stage = stage { $number } · { $heading } · { $summary }
diff-heading-client = the client · { $heading } · { $summary }
diff-heading-solution = the solution of exercise { $id } · { $title }
diff-old = before: { $heading }
diff-new = after:  { $heading }
diff-same = The two files are the same.
diff-no-python = netlab: { $entry } has no Python program yet: this is the diff of the Rust files netlab runs
# A stage page's folded Rust diff (build.rs reads this one line itself: arguments only).
page-diff-rust-summary = The same change in Rust, as netlab runs it (netlab diff { $old } { $new } --rust)
diff-stat = { $added ->
    [one] 1 line added
   *[other] { $added } lines added
}, { $removed ->
    [one] 1 removed
   *[other] { $removed } removed
}

## netlab source (src/source.rs)

source-no-python = netlab: { $entry } has no Python program yet: here is the Rust netlab runs ({ $file })

## A long line cut for the terminal (src/terminal.rs)

terminal-shortened = ({ $total } bytes in all; netlab shows the first { $shown })

## netlab's own lines: the prefix of a warning; signals

netlab-warning = netlab: warning: { $message }
signal-sigint = Ctrl-C (SIGINT)
signal-sigterm = SIGTERM
signal-other = signal
cannot-catch-signals = netlab: warning: cannot catch Ctrl-C ({ $error }); it will end the process at once

## How a stage ends (src/console.rs)

script-ended-exception = the script ended with an exception: exit code 1, as Python's
script-ended = the script served its two clients and ended: exit code 0
script-signal = { $signal }: stage { $stage } is a script with no stop(); it ends at once, as Python's does ({ $python })
script-signal-keyboard-interrupt = KeyboardInterrupt
script-signal-killed = killed by the signal
forever-no-stop = stage { $stage } has no console and no way to stop: it serves until Ctrl-C (SIGINT) or SIGTERM, as the Python program does
forever-signal = { $signal }: the process ends at once, as Python's does (exit code { $code }); clients see the connection close
console-eof = standard input has ended, so the console is gone (Python's dies with EOFError); the server keeps serving. Stop it with Ctrl-C, or `kill { $pid }` (SIGTERM).
console-signal = { $signal }: stopping as if `quit` had been typed (in Python, Ctrl-C only kills the console and the server keeps running). Press Ctrl-C again to cut the wait short.
console-not-utf8 = that line is not UTF-8: Python's input() would raise { $error } (under a UTF-8 locale), and the console would die with it. netlab skips the line, so nothing was done or sent, and keeps the console.

## After quit: the threads Python would wait for (src/stage.rs, src/thread_list.rs)

quit-every-thread-ended = every thread has ended, { $seconds } s after quit: the program exits, as Python's would (exit code 0)
quit-cut-short = exiting { $seconds } s after quit, having cut { $threads } short (exit code 0)
quit-signal-cut = { $signal } while quitting: cutting short now; { $n ->
    [one] 1 thread was
   *[other] { $n } threads were
} still running:
quit-stop-blocked = stop() has not returned after { $seconds } s: it is blocked, as Python's is (python-originals §9):
quit-stop-blocked-then = A client that sends a line or leaves now unblocks its part. netlab waits until { $grace } s after quit (--grace), then cuts them short; Ctrl-C cuts short now.
quit-stop-returned = stop() has returned; Python now waits for { $threads } that stop() did not wake:
quit-stop-returned-then = netlab waits for { $n ->
    [one] it
   *[other] them
} until { $grace } s after quit (--grace), then cuts { $n ->
    [one] it
   *[other] them
} short; Ctrl-C cuts short now.
quit-grace-over = { $seconds } s after quit (--grace), { $n ->
    [one] 1 thread is
   *[other] { $n } threads are
} still running; Python would wait for { $n ->
    [one] it
   *[other] them
}, forever for those blocked in a socket call:
quit-grace-over-then = netlab cuts { $n ->
    [one] it
   *[other] them
} short: every socket is shut down, so clients see the connection close.
quit-how-they-ended = the threads cut short have ended:
quit-ended-way = {"  "}- { $who }: { $way }
quit-still-running = still running
quit-returned-normally = returned normally
threads-one = { $name }: { $state }
threads-group = { $threads } { $state }:
threads-running = running
threads-same-one = the thread listed above, still where it was
threads-same-all = the { $n } listed above, each still where it was
threads-same-some = { $threads } as listed above, still where { $n ->
    [one] it was
   *[other] they were
}
threads-ended = ended since the list above: { $names }
threads-names-two = { $first } and { $last }
threads-names-more = { $first } and { $more } more
threads-names-separator = {", "}

## What a thread is blocked in (src/py/call.rs)

call-accept = in accept() on { $addr }
call-recv = in { $call } from { $peer }
call-send = in send() to { $peer }
call-lock = waiting for self.lock
call-makefile-close = in f.close() of the makefile for { $peer }
call-other = in { $call }

## Why a thread does not wake (src/py)

why-accept = closing the listening socket from another thread does not wake accept() on Linux; the next client that connects does (python-originals §12 M3)
why-recv = closing this socket from another thread neither wakes { $call } nor sends FIN on Linux; { $call } returns only when this client sends something or disconnects (python-originals §12 M3)
why-send = the client does not read: its receive buffer and this socket's send buffer are full, so send() waits for room
why-event = a pause on an event that nobody sets: the notes wait here on purpose
why-lock-held-by = self.lock is held by thread { $holder }, which is itself stuck
why-lock-held = self.lock is held by another thread
why-makefile-close = a makefile cannot close while another thread is inside its readline(); it closes when that client sends a line or disconnects (python-originals §12 M2)
why-queue-get = the queue is empty: get() returns when another thread puts an item
why-outbox-empty = the outbox is empty: the writer waits until a message is put in it
why-select = select() waits until a registered socket is ready; stop() wakes it through the selector, so it never stays stuck
makefile-line-too-long = line longer than { $mib } MiB: netlab's limit (Python would buffer until memory runs out)
makefile-line-over-limit = line longer than { $limit } bytes
thread-cut-short = thread { $name } ended when netlab cut the program short ({ $error })
spin-stopped = { $call } returned b'' { $limit } times in a row: the peer closed its side, and a loop that never checks for b'' calls it again at once, forever. Python would spin here at full speed (tens of thousands of times a second); netlab ends this thread instead

## netlab client (src/console.rs, src/client_command.rs)

client-cannot-connect = could not connect to { $addr }: { $error }. Is a server running there? Start one with `netlab stage 7` (or `make run`) in another terminal.
client-quit = quit: the notes' stop() closes the socket, then waits 3 s before it logs "Client stops". Ctrl-C ends the client at once.
client-would-hang = Python's client would hang here: its recv thread is still blocked in recv(), and close() neither woke it nor sent FIN, so the server has not seen you leave. netlab shuts the connection down instead and exits.
client-failed = { $what } failed: { $error }. The connection is gone; Python's client would stop with this traceback at its prompt.
client-eof = standard input has ended: Python's client dies at its prompt with EOFError but keeps its recv thread running; netlab keeps receiving until the server closes, or Ctrl-C.
client-recv-ended = the recv thread has ended, so nothing receives any more. Python's client would go on showing its prompt with no one listening; netlab exits.
client-recv-ended-solution = the recv thread has ended (the server closed the connection): the client exits.
client-signal = { $signal }: { $python }; netlab closes the connection and exits (exit code { $code }).
client-signal-console = Python's client would lose only its console (KeyboardInterrupt) and keep receiving
client-signal-stopping = Python's client would break out of stop()'s 3 s wait with a KeyboardInterrupt, then still hang waiting for its recv thread
client-signal-other = Python's client would end at once too
client-reset = /reset: SO_LINGER {"{"}on, 0{"}"}, then close(): the kernel sent RST instead of FIN. The server's recv() (readline() in stages 6-7) raises ConnectionResetError: [Errno 104] Connection reset by peer, which nothing catches before stage 7: it ends stage 1, and kills the thread that reads you in stages 2-6. The connection is gone, so the client exits.
client-halfclose = /halfclose: shutdown(SHUT_WR) sent FIN: you send nothing more, and you still receive. The server's recv() now returns b'': stages 4-7 take you for gone and close (then this client's recv() returns b'' in turn, and the notes' loop spins until netlab stops it), stages 2-3 spin on it (`netlab explain 2`). A line typed now fails with BrokenPipeError.
client-bytes = /bytes: sent { $n ->
    [one] 1 byte
   *[other] { $n } bytes
} as they are: { $bytes }
client-flood = /flood: sent { $n ->
    [one] 1 line
   *[other] { $n } lines
}, `flood 1` to `flood { $n }` ({ $bytes } bytes), in one burst of { $ms } ms. Stages 2-5 read it in recv(1024) pieces, so lines arrive cut and glued together.
client-send = send
client-help =
    netlab's commands (the notes' client has none; any other line is sent as a chat line):
      /reset            SO_LINGER 0, then close(): the server gets RST, not FIN; the client exits
      /halfclose        shutdown(SHUT_WR): the server gets FIN (recv() returns b''); you keep receiving
      /bytes ff fe 0a   send these bytes as they are, in hex (here: not UTF-8, then a newline)
      /flood N          send N numbered lines (`flood 1` ... `flood N`) in one burst, N up to { $max }
      /help             this list
      //text            send the chat line `/text` (double a leading /)
      quit              the notes' stop(): close, wait 3 s, "Client stops"; netlab then exits
client-command-bare = /{ $name } takes nothing after it: nothing was sent
client-command-flood = /flood needs a number of lines from 1 to { $max }, as in `/flood 100`: nothing was sent
client-command-unknown = unknown command `/{ $name }`: nothing was sent. `/help` lists the commands; to send a chat line that starts with `/`, double the `/` (`//{ $name }` sends `/{ $name }`)
client-command-hex = /bytes: `{ $token }` is not bytes in hex; give two hex digits per byte, as in `/bytes ff fe 0a`: nothing was sent
client-command-no-bytes = /bytes needs the bytes to send, in hex, as in `/bytes ff fe 0a` (0a is \n): nothing was sent

## netlab --help: every command's about and every argument's help (src/help.rs, src/main.rs)
## An id is the command's path, then `--` and the argument: help-stage--port. Every
## message may use { $consoles } (the stages with a console) and { $stages } (their numbers).

help-usage = Usage:
help-heading = { $heading }:
help-heading-options = Options
help-heading-arguments = Arguments
help-heading-commands = Commands
help-default = [default: { $value }]
help-possible = [possible values: { $values }]
help--lang = The language of pages and explanations: zh (中文) or en. Without it, the locale decides: the first of LC_ALL, LC_MESSAGES, LANG that is set; zh* means Chinese
help--help = Print help
help--version = Print version
help-help = Print this message or the help of the given subcommand(s)
help-help--subcommand = Print help for the subcommand(s)
help-netlab =
    netlab: a socket-programming tutorial's chat server, stage by stage, flaws included.

    Start with `netlab stages`, run one with `netlab stage 3`, connect with `netlab client` or `nc 127.0.0.1 60000`, and read about it with `netlab explain 3`.
help-stages = List the tutorial's stages: number, slug, title
help-stage = Run one stage's server (stages { $consoles } have a `>> ` console: type `quit` to stop)
help-stage--stage = The stage to run (`netlab stages` lists them)
help-stage--host = The address to listen on. Anything but loopback makes the chat reachable from the network
help-stage--port = The port to listen on; 0 lets the kernel pick one (printed in `listening on ...`)
help-stage--grace = After `quit`, how many seconds to wait for the threads that Python would wait for forever, before cutting them short [default: 5]. Stages { $consoles } only: the others have no `quit`, and say so if given one
help-stage--no-reuseaddr = Bind as the notes' code does, without SO_REUSEADDR: after a run with clients, the port cannot be bound again for about 60 s (TIME-WAIT). By default netlab sets it, so the next stage starts on the same port at once; nothing on the wire changes
help-stage--max-line = netlab's own stages (8 and on): the longest line a client may send, in bytes [default: 65536]; a longer one gets an error line and the client is disconnected
help-stage--max-pending = netlab's own stages: how many bytes may wait for one client before it counts as not reading and is disconnected [default: 8388608, 8 MiB]
help-stage--max-clients = netlab's own stages: the most clients at once [default: 10240]; a newcomer past it gets one line and is closed
help-stage--view = Show the live view: the threads, the clients dict, each connection's bytes and kernel queues, the last messages, and the console on the bottom line (`?` lists the keys). In a pipe or with TERM=dumb, netlab says why and runs the plain output
help-client = Run the tutorial's chat client (sends `I'm ready`, then each line you type; `/help` at its prompt lists netlab's commands: /reset, /halfclose, /bytes, /flood)
help-client--host = The server's address
help-client--port = The server's port
help-client--solution = Run an exercise's reference solution instead of the notes' client: `client.quit`
help-check = Grade a chat server, in any language, with a stage's scenarios: `netlab check 4 -- python3 my_stage4.py {"{"}port{"}"}`
help-check--subject = The stage whose scenarios the program must pass (`netlab stages` lists them), or an exercise (`netlab exercises`)
help-check--port = The port the program listens on, if it cannot be told (the notes hard-code 60000). Without it, netlab picks a free port for each run and passes it as `{"{"}port{"}"}` in the command's arguments and as `PORT` in its environment
help-check--only = Run only the scenario of this name
help-check--verbose = Show every scenario's transcript, not only the failing ones'
help-check--json = Print one JSON object per scenario on stdout (stage, scenario, result, first failure, notes), for a teacher's script; the summary goes to stderr
help-check--watch = Check again every time FILE is saved (the program's source), until Ctrl-C
help-check--strict = Require everything the notes' program does: its flaws, CPython's accidents, and the header's exact format (`%Y%m/%d %H:%M:%S`) in every message, not only the contract
help-check--jobs = How many scenarios run at once, each with its own program [default: the number of cores, at least 2; 1 with --port]
help-check--fail-fast = Stop at the first scenario that fails (those running finish)
help-check--log = Write each scenario's whole transcript, the program's output included, to DIR/SCENARIO.log (the report shows only the start and the end of long output)
help-check--timeout = How many seconds a step waits for what it expects before it fails
help-check--start-timeout = How many seconds the program may take to start listening
help-check--class = Check a whole class, one program per student: the files PATTERN names (quote it: `--class 'students/*/server.py'`; netlab expands it), each student named after the folder that holds the file; `{"{"}file{"}"}` in the command is each student's program. A table at the end, a row per student; exit code 0 only when every student passed
help-check--report = With --class: write the class's report to FILE.html, one page that needs nothing else (every transcript in it, folded)
help-check--command = The program to check, and its arguments: `-- python3 my_stage4.py {"{"}port{"}"}`
help-bench = Measure chat servers side by side: deliveries per second, latency, losses, CPU and memory: `netlab bench --stage 7 --stage 2 -- python3 my_stage7.py {"{"}port{"}"}`
help-bench--stages = netlab's stage N (2 and up), or an exercise's solution (`7.slow`), started afresh for each run as `netlab stage N`. Give it as often as you like: `--stage 7 --stage 2`
help-bench--addrs = A chat server already running at HOST:PORT, on this machine (loopback only). It is not restarted between runs: only the first run finds it fresh
help-bench--clients = The class sizes to measure, each a run of its own
help-bench--messages = Messages each client sends in the measured phase
help-bench--size = Bytes of each message's body, its newline not counted (at least 33: sender, number, send time and digest)
help-bench--window = Closed loop: each client is at most W messages ahead of the highest of its own that has come back to it [default: 8]
help-bench--rate = Open loop: each client sends R messages a second, whatever comes back
help-bench--slow-readers = K of the clients register, then read nothing (and send nothing): one student's stopped terminal
help-bench--slow-read-bps = The slow readers read this many bytes a second instead of nothing
help-bench--reps = How many times each server is measured at each class size
help-bench--json = Write every run's figures, and the summaries, to FILE as JSON
help-bench--plot = Draw throughput and latency against the class size to FILE (SVG)
help-bench--idle = A run ends when nothing was sent or delivered for this many seconds
help-bench--deadline = The most a run's measured phase may take
help-bench--start-timeout = How long a server may take to listen, and then to register the whole class
help-bench--name = How the table names the command after `--` [default: the command, paths shortened to file names]
help-bench--command = A chat server to bench, and its arguments; `{"{"}port{"}"}` (or `$PORT`) is its port: `-- python3 my_stage7.py {"{"}port{"}"}`
help-exercises = List the exercises (every flaw as a fix-it task), with your progress
help-exercise = Show one exercise: the task, what to run, and with --hint the hints; with --start, write the program to start from
help-exercise--id = The exercise's id (`netlab exercises` lists them): `5.race`
help-exercise--hint = Show the hints, from the broadest to the most concrete
help-exercise--start = Write the program to start from, the base's Python as `netlab source` prints it, as DIR/ID.py (DIR: the current directory if not given), and print the commands to run next. An existing file is left alone, unless --force
help-exercise--force = With --start: replace ID.py if it exists
help-explain = Print a page: a stage's (what it adds, the flaws it keeps, how to see each), the client's, the console's, a demo's... With no page, list them. On a terminal the page is laid out for it and shown through a pager ($PAGER, or less)
help-explain--page = A stage number ({ $stages }), `client`, or a page's name (`console`, `demo-race`, ...)
help-explain--brief = Only the first screen: what the stage adds, the flaw it keeps, and the commands to see it
help-explain--no-pager = Print the page straight to the terminal, without a pager
help-diff = Show what changed from one stage to another: the unified diff of their Python files (--rust: of the Rust ones netlab runs), with the notes' headings of both above it (`netlab diff 4 5`, `netlab diff 7 client`, `netlab diff 5 5.race`)
help-diff--old = The program before: a stage number, `client`, or an exercise's id (its solution)
help-diff--new = The program after: a stage number, `client`, or an exercise's id (its solution)
help-diff--stat = Only a summary: how many lines were added and removed
help-diff--python = The Python program, as the class types and runs it (the default)
help-diff--rust = The Rust program, as netlab runs it (`stages/*.rs`)
help-diff--color = Colour the diff: on a terminal (auto, unless NO_COLOR is set), always, or never
help-source = Print a stage's program: in Python, as the class types and runs it (`netlab source 4 > my4.py`), or with --rust as netlab runs it
help-source--entry = A stage number ({ $stages }), `client`, or an exercise's id (its reference solution)
help-source--python = The Python program, as the class types and runs it (the default)
help-source--rust = The Rust program, as netlab runs it (`stages/*.rs`)
help-demo = Live experiments: the dict race, binding a port twice, a client that never reads, connection churn
help-demo-race = Iterate a dict while another thread adds to it: Python's RuntimeError, and the lock
help-demo-race--locked = Put one lock around every insert and every whole pass, run it for --seconds, and compare its counts with the unlocked script run for the same time
help-demo-race--runs = Run N times and print a table: how many runs failed, time to failure min / median / max
help-demo-race--seconds = Time limit of each run, in seconds. A run that has not failed by then is reported as "no failure" (the demo never hangs). With --locked, each variant runs this long
help-demo-bind = Bind the same port twice, and rebind after TIME-WAIT, with and without SO_REUSEADDR
help-demo-bind--port = The port of experiment 1 (bind twice), for example the notes' 60000. 0 (the default) lets the kernel pick a free one. The other experiments always use fresh ports, so the demo leaves no TIME-WAIT on this port and can run again at once
help-demo-bind--clients = How many clients experiment 3 connects to its two SO_REUSEPORT listeners
help-demo-slow = One client that never reads: which stages freeze, which only stall one thread
help-demo-slow--stage = The stage whose server to run (`netlab stages` lists them)
help-demo-slow--view = Watch it in the live view (`netlab explain view`): the threads, the lock, each client's queues, the timeline as it happens; `q` ends the demo
help-demo-churn = Clients that come and go next to one that talks: the dict race of stages 4-5
help-demo-churn--stage = The stage whose server to run (`netlab stages` lists them)
help-demo-churn--seconds = How long to churn at most, in seconds (above 0, at most 60). The demo stops earlier at the first RuntimeError
help-ports = List TCP sockets (LISTEN; with --all also ESTABLISHED and TIME-WAIT) and the process that holds each, like `ss -tanp`
help-ports--port = Keep only the sockets whose local or peer port is PORT, like the notes' `ss -tanl | grep 60000`
help-ports--all = Show every state (ESTAB, TIME-WAIT, ...), like `ss -tan`; without it only LISTEN, like `ss -tanl`

## clap's usage errors, in clap's layout (src/help.rs, Errors)

clap-error = error:
clap-tip = tip:
clap-more = For more information, try '{ $help }'.
clap-conflict-repeated = the argument '{ $arg }' cannot be used multiple times
clap-conflict-one = the argument '{ $arg }' cannot be used with '{ $other }'
clap-conflict-many = the argument '{ $arg }' cannot be used with:
clap-conflict-others = the argument '{ $arg }' cannot be used with one or more of the other specified arguments
clap-no-equals = equal sign is needed when assigning values to '{ $arg }'
clap-value-required = a value is required for '{ $arg }' but none was supplied
clap-invalid-value = invalid value '{ $value }' for '{ $arg }'
clap-invalid-value-why = invalid value '{ $value }' for '{ $arg }': { $why }
clap-unknown-subcommand = unrecognized subcommand '{ $name }'
clap-missing-arguments = the following required arguments were not provided:
clap-missing-subcommand = '{ $name }' requires a subcommand but one was not provided
clap-subcommands = [subcommands: { $values }]
clap-too-many-values = unexpected value '{ $value }' for '{ $arg }' found; no more were expected
clap-too-few-values = { $min } values required by '{ $arg }'; only { $actual } { $actual ->
    [1] was
   *[other] were
} provided
clap-wrong-number-of-values = { $expected } values required for '{ $arg }' but { $actual } { $actual ->
    [1] was
   *[other] were
} provided
clap-unknown-argument = unexpected argument '{ $arg }' found
clap-similar-subcommand = { $n ->
    [one] a similar subcommand exists
   *[other] some similar subcommands exist
}: { $names }
clap-similar-argument = { $n ->
    [one] a similar argument exists
   *[other] some similar arguments exist
}: { $names }
clap-similar-value = { $n ->
    [one] a similar value exists
   *[other] some similar values exist
}: { $names }
clap-tip-escape = to pass '{ $value }' as a value, use '{ $command }'

## Starting a stage (src/main.rs)

arg-not-an-address = { $text } is not an IP address (try 127.0.0.1 or ::1)
arg-not-seconds = { $text } is not a number of seconds between 0 and 3600
arg-port-tip = a port is given with --port: `{ $command }`
bench-no-binary = could not find netlab's own binary: { $error }
stage-not-loopback = { $host } is not a loopback address: anyone who can reach this machine on port { $port } can join this chat, and its flaws (crashes, freezes) are open to them too. Use --host 127.0.0.1 in class.
stage-grace-unused = --grace { $grace } does nothing in stage { $stage }: { $why }. It bounds the wait after `quit` in the stages with a console ({ $stages }).
stage-limits-ignored = --max-line, --max-pending and --max-clients do nothing in stage { $stage }: the notes' servers have no such limits (that is one of their flaws); netlab's own stages do.
stage-no-quit-script = the script ends by itself once it has served its two clients
stage-no-quit-forever = it has no console and no stop(); a signal ends it at once
start-failed = could not start stage { $stage } on { $addr }: { $error }
start-cannot-listen = could not listen on { $addr }: { $errno_name } ({ $errno }), { $strerror }: { $hint }
errno-EADDRINUSE = Address already in use
errno-EACCES = Permission denied
errno-EADDRNOTAVAIL = Cannot assign requested address
start-port-root = ports below 1024 need root. { $next }
start-not-here = that address is not on this machine: use 127.0.0.1 (or ::1)
start-other = try --port 0, or another --host
port-listening-holders = another server is listening there: { $holders }
port-listening = another server is listening there (another netlab? `netlab ports --port { $port }` shows it)
port-time-wait-no-reuse = { $n ->
    [one] 1 connection of an earlier run on port { $port } is
   *[other] { $n } connections of an earlier run on port { $port } are
} in TIME-WAIT (`netlab ports --all --port { $port }` lists them): the server closed them first, so the kernel keeps them about 60 s, and with --no-reuseaddr this stage sets no SO_REUSEADDR, like the notes' code, so it cannot bind until they end. Wait about a minute, or leave out --no-reuseaddr: netlab then sets SO_REUSEADDR, which gets past them if the earlier run set it too (netlab's stages do, unless --no-reuseaddr)
port-time-wait = { $n ->
    [one] 1 connection of an earlier run on port { $port } is
   *[other] { $n } connections of an earlier run on port { $port } are
} in TIME-WAIT (`netlab ports --all --port { $port }` lists them), left by a server that set no SO_REUSEADDR (the notes' Python code, or netlab with --no-reuseaddr); SO_REUSEADDR on the new socket alone does not get past them (`netlab demo bind`, 2b). Wait about a minute
port-unknown = another server is listening there (another netlab?), or connections of an earlier run are still closing (`netlab ports --all` lists them, `netlab demo bind` explains)
port-unknown-holders = nothing this user can see listens there, but the port is not free: { $holders }
port-ephemeral = port { $port } lies in the range { $low }-{ $high } from which Linux gives every outgoing connection its own port (/proc/sys/net/ipv4/ip_local_port_range), and another program's connection has it now: { $holders }. A connection keeps its port while it lasts and up to a minute after it closes (TIME-WAIT), whatever SO_REUSEADDR says; a port below { $low } is never taken that way
port-holders-unknown = `netlab ports --all --port { $port }` lists it
port-time-wait-program = { $n ->
    [one] 1 connection of the last run on port { $port } is
   *[other] { $n } connections of the last run on port { $port } are
} in TIME-WAIT (`netlab ports --all --port { $port }` lists them): the program closed them first, so the kernel keeps them about 60 s, and a server that sets no SO_REUSEADDR, as the notes' do, cannot bind the port until they end
port-why-and-what-to-do = { $why }. { $next }
port-try-make = Try another port with `PORT=61001 make run`, or `PORT=0 make run` to let the kernel pick one (`netlab stage 7 --port 0` outside make)
port-try = Try another --port, or --port 0 to let the kernel pick one

## Starting a program for netlab check and netlab bench (src/program)

launch-no-free-port = could not find a free port on 127.0.0.1: { $error }
launch-spawn = could not start `{ $command }`: { $error }
launch-hint-not-found = is `{ $program }` installed, and on the PATH?
launch-hint-command = check the command after `--`
launch-exited = `{ $command }` ended ({ $status }) before it listened on { $addr }
launch-timed-out = nothing listened on { $addr } within { $seconds } s of starting `{ $command }`
launch-elsewhere = `{ $command }` listens on { $other }, not on { $addr }, the address it was given
launch-port-unusable = port { $port } cannot be used
launch-status-code = exit code { $code }
launch-status-signal = killed by signal { $signal }
launch-status-ended = ended
launch-port-from = take the port from the command line or from the environment: `port=int(__import__('os').environ.get('PORT', 60000))` in the notes' `__init__` is the one-line change (`netlab explain check`)
launch-hint-elsewhere = the program listens on { $other } instead: did it bind another port than the one it was given? { $port_from }
launch-hint-other-port-in-use = the program found an address in use, yet the port it was given was free: does it bind the port it was given? { $port_from }
launch-hint-output-above = its output is above
launch-hint-silent = the program printed nothing: does it call bind() and listen() on the port it was given? If it takes long to start (it compiles first), give it --start-timeout
launch-hint-taken = another program took each of the { $attempts } free ports netlab picked before this one could bind it; the last: { $why }
launch-fixed-port-remedy = Free it, or give another --port (below { $low }, where no connection takes its own port), or drop --port: netlab then picks a free port for each run, which the program takes from {"{"}port{"}"} in its arguments or from $PORT (`netlab explain check` shows the one-line change)
launch-waiting-port = waiting for port { $port } to be free again (at most { $seconds } s): { $n ->
    [one] 1 connection of the last run is
   *[other] { $n } connections of the last run are
} in TIME-WAIT, closed first by the program
launch-waiting-port-why = waiting for port { $port } to be free again (at most { $seconds } s): { $why }
launch-fixed-port-notice = netlab check: with --port { $port }, each scenario starts once the port can be bound again. When your program closes a connection first (from stage 4, a client's `quit`), the port stays in TIME-WAIT for 60 s, so { $n ->
    [one] this scenario
   *[other] these { $n } scenarios
} may take up to about { $minutes } min. With {"{"}port{"}"} in the command, or $PORT, each runs at once on a free port (`netlab explain check`)
check-program-label = your_program
check-port-taken = netlab check: port { $port } is taken: { $why }. { $remedy }
program-left-running = your program left { $n ->
    [one] 1 process
   *[other] { $n } processes
} running: { $processes }, ended
check-after-scenario = netlab check, after { $scenario }: { $report }
bench-after-run = netlab bench, after { $what }: { $report }
bench-addr-closed = netlab bench: nothing listens on { $addr }: start that server first (in another terminal: `netlab stage 7 --port { $port }`), or let netlab start one for each run (--stage N, or a command after `--`)
## The demos' shared lines (src/demo/mod.rs)

demo-cannot-start = could not start stage { $stage }: { $error }
demo-at = +{ $seconds } s

## netlab bench (src/bench)

bench-line = netlab bench: { $text }
bench-arg-addr = { $text } is not HOST:PORT (127.0.0.1:61000)
bench-arg-not-loopback = { $addr } is not on this machine: the bench loads loopback servers only (127.0.0.0/8, ::1)
bench-arg-clients = { $text } is not a class size from 1 to { $max }
bench-arg-size = { $text } is not a body size from { $min } to 1048576 bytes
bench-arg-rate = { $text } is not a rate in messages a second
bench-nothing = netlab bench: nothing to bench: give --stage N, --addr HOST:PORT, or a command after `--` (`netlab bench --stage 7 --stage 2`)
bench-no-sender = netlab bench: --slow-readers { $slow } leaves no client to send in a class of { $smallest }
bench-interrupted = netlab bench: interrupted; the servers it started were stopped
bench-not-a-chat-server = stage { $id } is not a chat server: it serves two clients, one after the other, and exits. Bench stages 2 and up
bench-progress-runs = runs,
bench-progress-deliveries = { $what }: { $delivered } of { $expected } deliveries
bench-run-what = { $server }, { $clients } clients, run { $rep }/{ $reps }
bench-run-done = { $what }: { $rate } deliveries/s, p99 { $p99 } ms, { $lost } lost, { $ended }
bench-run-failed = { $what }: not measured: { $why }
bench-failed-because = { $error }; { $why }
bench-plan = { $servers } at { $clients } clients{ $slow }; { $messages } messages of { $size } B per client, { $pace }; { $reps ->
    [one] 1 run
   *[other] { $reps } runs
} each, interleaved; { $cores } cores
bench-versus = {" vs "}
bench-pace-window = window { $window }
bench-pace-rate = { $rate } msgs/s per client (open loop)
bench-slow-none = , { $k } of them reading nothing
bench-slow-bps = , { $k } of them reading { $bps } B/s
bench-wrote = wrote { $file }
bench-drew = drew { $file }
bench-cannot-write = could not write { $file }: { $error }
bench-cannot-draw = could not draw { $file }: { $error }
bench-nothing-measured = no run was measured
bench-no-rlimit = could not read the limit of open files (RLIMIT_NOFILE)
bench-rlimit = the limit of open files is { $soft } (the hard limit, `ulimit -Hn`, is { $hard }): fewer than the { $needed } this class needs; raise the hard limit (as root, or in /etc/security/limits.conf) to bench more clients
bench-fail-connect = client { $client } could not connect: { $why }
bench-fail-unregistered = never registered the class: after { $seconds } s, { $complete } of { $clients } clients had seen every client's sync line (a server that does not broadcast each line to every client, or that lost some clients)
bench-fail-io = the bench's event loop failed: { $why }
bench-server-ended = the server ended during the run ({ $status }){ $tail }
bench-last-lines = ; its last lines:
    {"    "}{ $lines }
bench-ended-complete = complete
bench-ended-idle = idle
bench-ended-deadline = deadline
bench-ended-closed = closed
bench-not-measured = not measured
bench-col-server = server
bench-col-clients = clients
bench-col-rate = deliveries/s [min-max]
bench-col-p50 = p50 ms
bench-col-p90 = p90 ms
bench-col-p99 = p99 ms [min-max]
bench-col-max = max ms
bench-col-lost = lost
bench-col-dup = dup
bench-col-late = late
bench-col-garbled = garbled
bench-col-server-cpu = server CPU s
bench-col-server-mib = server MiB
bench-col-bench-cpu = bench CPU s
bench-col-run = run s
bench-col-ended = ended
bench-one-run-each = one run each
bench-median-of = median of { $reps } runs, [lowest-highest]
bench-legend = { $each }; latency from send to receipt; late = out of order; server CPU and bench CPU over the measured phase; run s = its length
bench-note-busy = { $server } at { $clients } clients: the bench was busy { $percent } % of the run (!): it may have set the pace, not the server
bench-note-slow-cut = { $server } at { $clients } clients disconnected { $n ->
    [one] 1 slow reader
   *[other] { $n } slow readers
} that did not read, in every run
bench-note-closed = { $server } at { $clients } clients closed the connection of up to { $n ->
    [one] 1 client
   *[other] { $n } clients
} during a run
bench-note-lost = { $server } at { $clients } clients lost { $percent } % of the deliveries (median of the runs)
bench-note-not-measured = { $server } at { $clients } clients, { $n ->
    [one] 1 run
   *[other] { $n } runs
} of { $runs } not measured: { $why }
bench-plot-rate = deliveries per second
bench-plot-latency = latency, ms: p50 (solid), p99 (dashed)
bench-plot-clients = clients

## netlab demo race (src/demo/race.rs)

race-header = netlab demo race: the notes' race script (多线程读写出错的代码) on a
    Python-rules dict, no lock, at most { $limit } per run.
race-forever = (forever)
race-not-seconds = { $text } is not a number of seconds above 0 and at most 3600
race-col-run = run
race-col-after = RuntimeError after
race-col-items = items in pass
race-col-keys = keys in dict
race-col-passes = passes before
race-no-failure-in = no failure in { $limit }
race-col-time-to-failure = time to failure
race-col-failed = failed
race-col-min = min
race-col-median = median
race-col-max = max
race-failed-of = { $failed } of { $runs }
race-python-row = Python (§7)
race-col-variant = variant
race-col-errors = RuntimeErrors
race-col-pass-count = passes
race-col-keys-added = keys added
race-col-items-visited = items visited
race-col-longest-wait = longest wait
race-locked = locked
race-unlocked = unlocked
race-unlocked-restarted = unlocked, restarted
race-died = iterdict died { $after } after the start, after { $items ->
    [one] 1 item
   *[other] { $items } items
} of its pass;
    it had completed { $passes ->
    [one] 1 pass
   *[other] { $passes } passes
} before, and the dict held { $keys ->
    [one] 1 key
   *[other] { $keys } keys
}.
race-no-failure = No RuntimeError within { $limit } ({ $passes ->
    [one] 1 pass
   *[other] { $passes } passes
}, { $keys ->
    [one] 1 key
   *[other] { $keys } keys
} added): try a longer --seconds.
race-python-says =
    Python (python-originals §7, 25 runs): the same RuntimeError in every run, after 1-17 items
    (1 in 22 runs), 38-98 ms after process start in 22 runs (0.35, 0.82, 0.93 s in the
    other 3). Python's clock includes interpreter start-up, and its iterdict first spends
    milliseconds printing a `--- Logging error ---` for the notes' broken
    `logging.info(k,v)`, while additem keeps adding keys; netlab logs nothing per item.
race-rustc-says =
    Rust on the original: a plain HashMap shared by both threads with no lock does not
    compile. rustc says:
      error[E0499]: cannot borrow `global_dict` as mutable more than once at a time
    Both threads would hold `&mut` to the map, and `&mut` means exclusive, so the borrow
    checker refuses (through an `Arc` it is E0596: an Arc hands out only `&`). What
    compiles is a map behind a Mutex, iterated under the lock: see --locked.
race-locked-says =
    Locked: no pass fails, because additem cannot change the size while a pass holds the
    lock. The price is waiting: additem waits for the end of a pass, iterdict for each
    insert. Compare keys added with the unlocked row, where additem only sleeps (a little
    over 1 ms per sleep(0.001)): what the locked row lacks is time spent waiting. std's
    Mutex is not fair, so iterdict often takes the lock again before the woken additem
    can: "longest wait" shows how long additem was kept out at worst.
race-locked-header = netlab demo race --locked: the race script with `with lock:` around each insert
    and around each whole pass, then without the lock (a new iterdict taking over
    after each RuntimeError), { $limit } each.

## netlab demo slow (src/demo/slow.rs)

slow-stage1 = netlab demo slow --stage 1: stage 1 serves one client at a time and broadcasts nothing, so there is no other client for a slow one to hold up. Try --stage 2 (only one thread stalls) or --stage 7 (everything freezes).
slow-intro = netlab demo slow --stage { $stage }: stage { $stage } ({ $summary }) runs here on { $addr }.
    A floods long lines, C never reads, B and D are ordinary clients; then B speaks and E joins.
slow-view-title = demo slow · stage { $stage }
slow-stuck = Server threads stuck at the end of the run:
slow-kept-up = The chat went on. { $stage ->
        [9] Stage 9 never blocks: one loop puts each message in every client's output buffer and sends what waits when the socket can take it
       *[other] Stage { $stage } puts each message in every client's outbox and writes outside the lock, one writer thread per client
    }: A sent { $mb } MB, B's message and E's reached everyone who reads, and C, which never read, was disconnected once more than its bound waited for it. (test stage{ $stage }_slow_reader_freezes_no_one; exercise 7.slow.)
slow-no-stall = The server kept reading A for { $mb } MB: this run never filled C's buffers, so it shows nothing. (The kernel's buffer sizes decide when the stall comes.)
slow-frozen = The whole server froze. Stage { $stage } writes each broadcast while holding self.lock; A's thread holds it while flush() waits for C to read, which C never does. B's thread waits for the lock, and so does the accept thread, so E is connected by the kernel but never served. One client that does not read stops the chat for everyone. (python-originals §9; test stage{ $stage }_slow_reader_freezes_everyone.)
slow-stalled = Only the sending threads stalled. Stage { $stage } takes no lock around the broadcast, so A's thread waits alone in send() to C, and the others carry on: B's message and E's reach the clients that come before C in the dict. (Small messages may still fit in C's send buffer; when they do not, that sender's thread stalls at C too: the list above shows which did.) The chat goes on, leaking a stuck thread per sender. (python-originals §4, §8; test stage{ $stage }_slow_reader_stalls_only_the_sender.)
slow-mixed = Mixed result: B's message { $delivered } and E { $served }. The timeline above says when.
slow-delivered = got through
slow-not-delivered = did not get through
slow-served = was served
slow-not-served = was not served

slow-connect = A ({ $a }), B ({ $b }) and D ({ $d }) connect and read; C ({ $c }) connects last, with a 4 KB receive buffer, and never reads
slow-flood-starts = A starts sending { $size }-byte lines as fast as the server takes them
slow-flood-stalled = A's lines stop after { $mb } MB: the server stopped reading A (its thread for A is stuck sending to C)
slow-flood-read = A sent { $mb } MB and the server kept reading
slow-b-sends = B sends "hello from B"
slow-b-delivered = B's message reaches B and D
slow-b-lost = B's message reaches no one within { $seconds } s
slow-e-sends = a new client E connects and sends "hello from E"
slow-e-served = E is served: B and D get its message
slow-e-not-served = E is not served: nothing from E within { $seconds } s

## netlab demo churn (src/demo/churn.rs)

churn-stage1 = netlab demo churn --stage 1: stage 1 serves one client at a time and keeps no dict of clients, so there is nothing for clients that come and go to race with. Try --stage 5 (the race) or --stage 7 (no race).
churn-intro = netlab demo churn --stage { $stage }: stage { $stage } ({ $summary }) runs here on { $addr }.
    A sends a line, waits a millisecond, and again; 6 clients connect, say "hi", send "quit", wait for the close, and start again.
    It stops at the first RuntimeError, or after { $seconds } s.
churn-start = A connects and starts talking; the churn starts
churn-dies = thread { $thread }{ $whose } dies: { $exception }{ $where }
churn-where = , at { $file } line { $line }: { $code }
churn-not-seconds = { $text } is not a number of seconds above 0 and at most 60
churn-whose-a = {" "}(A's)
churn-whose-other = {""}
churn-done-race = done: a thread died of the race; the churners finished their round, and A waited for its last lines
churn-done-time = done: the churn ran its { $seconds } s; then A waited for its last lines (at most 2 s)
churn-more-deaths = ... and { $n } more deaths
churn-summary = { $connections } connections in { $seconds } s. A sent { $sent } lines and got { $echoed } back. Server threads that died: { $deaths } ({ $races } of the race).
churn-race = The dict race. A thread was broadcasting, iterating self.clients, when the accept thread added a client or another thread popped one: the dict changed size under the loop, and Python raises RuntimeError there (`netlab demo race` shows the same with the notes' own script). { $lock }
churn-lock-5 = Stage 5 takes self.lock to add and to pop a client, but not around the loop that iterates them: a lock protects only the code that takes it, so the race the notes add the lock for remains (python-originals §8; test stage5_dict_changed_size_under_churn).
churn-lock-4 = Stage 4 has no lock at all (python-originals §6; test stage4_dict_changed_size_under_churn); stage 5's lock does not cover the loop either (`netlab demo churn --stage 5`).
churn-lock-other = Stage { $stage }'s broadcast loop takes no lock either.
churn-others = Other server threads died of other things: { $classes }.
churn-others-only = No RuntimeError, but server threads died of other things: { $classes }.
churn-class = { $n } of { $class }
churn-cascade = Stage { $stage } does not remove a client that leaves: each churner that closes stays in self.clients, and the next broadcast dies on its closed socket, the cascade of `netlab explain 2`.
churn-a-died = A's own thread was among the dead: from then on nothing A sends is read, which is why only { $echoed } of its { $sent } lines came back.
churn-a-died-after = A's own thread died too, after its last line had come back: anything A sent after that would never be read.
churn-stage6-fixes = Stage 6 holds the lock around the whole broadcast, and the race is gone: `netlab demo churn --stage 6`.
churn-see-stage5 = The race itself shows best where clients that leave are removed: `netlab demo churn --stage 5`.
churn-no-race-yet = No RuntimeError in { $seconds } s this time. The race needs an add or a pop to land inside a broadcast loop, a window of microseconds, so how long it takes depends on the machine and its load. Run it again, or longer: `netlab demo churn --stage { $stage } --seconds 30`.
churn-no-death = No thread died, and A got back every one of its { $sent } lines. Stage { $stage } iterates self.clients only while holding self.lock, which adding and popping a client take too, so the dict cannot change size under the loop (python-originals §9; test stage{ $stage }_no_dict_race_under_churn). The price of holding a lock while sending: `netlab demo slow`.
churn-no-death-lines = No thread died, but A got back { $echoed } of its { $sent } lines: the last ones may not have arrived before the demo stopped waiting.

## netlab demo bind (src/demo/bind.rs)

bind-title = 两次绑定同一个监听端口会怎么样? What happens when a port is bound twice?
bind-rows = Each row is a real bind() then listen() on 127.0.0.1; the outcome is what they returned.
bind-no-time-wait = Experiment 2: no TIME-WAIT line appeared in /proc/net/tcp within { $seconds } s.
bind-time-wait = Experiment 2's servers closed first; `ss -tan` shows what they left behind:
bind-means = What it means:
bind-col-experiment = experiment
bind-col-port = port
bind-col-old = old socket
bind-col-new = new socket
bind-col-outcome = outcome
bind-no-old = (none)
bind-ok = OK
bind-outcome-note = { $outcome }: { $note }
bind-what-1 = bind while another socket listens
bind-what-both = the same, SO_REUSEADDR on both
bind-what-2a = restart after TIME-WAIT
bind-what-new = the same, SO_REUSEADDR on the new one
bind-what-old = the same, SO_REUSEADDR on the old one
bind-what-3 = two listeners on one port
bind-what-4 = bind port 0
bind-note-shared = the old one accepted { $old }, the new one { $new } (of { $clients })
bind-note-short = ; only { $total } arrived within { $wait }
bind-note-picked = the kernel picked port { $port }
bind-port-taken = could not listen on 127.0.0.1:{ $port } for experiment 1: { $error } { $strerror }. Something holds the port already (that is the demo's answer); `netlab ports --all --port { $port }` shows what. Try another --port, or leave it out to use a fresh one
bind-err-fresh-port = could not listen on a fresh port
bind-err-connect = could not connect to { $addr }
bind-err-no-close = the client did not see the server close
bind-err-data = the client received data from a server that sent none
bind-err-no-accept = no connection to accept within { $seconds } s
bind-err-accept = accept() failed
bind-err-proc = could not read /proc/net/tcp
bind-refused-ok = succeeded, which Linux does not normally allow
bind-refused-errno = fails with { $error }, which Python raises as `OSError: [Errno { $errno }] { $strerror }`
bind-refused-other = fails: { $error }
bind-point-1 = 1: one port, one listener: the second bind() { $refused }. SO_REUSEADDR does not change that (1b); only SO_REUSEPORT lets two sockets listen on one port (3).
bind-point-2 = 2: the side that closes a connection first keeps it in TIME-WAIT for about 60 s (python-originals §10 measured 61-62 s), and its port cannot be bound meanwhile (2a). SO_REUSEADDR on the new socket alone does not help (2b): the old listener must have set it before its connections reached TIME-WAIT (2c), and the new one must set it too (2d).
bind-point-3 = 3: with SO_REUSEPORT on every listener, the kernel hands each new connection to one of them (by a hash of the client's address and port).
bind-point-4 = 4: port 0 asks the kernel for any free port, which sidesteps all of this: `netlab stage 1 --port 0`.
bind-point-5 = The tutorial's code sets no SO_REUSEADDR, so after its server has served clients, its port is blocked for about a minute (2a). netlab's stages set it on every listener (2c), so the next stage binds the same port at once; `--no-reuseaddr` runs them as the notes' code does. `netlab ports --all --port { $port }` shows experiment 2a's TIME-WAIT until it ends.

## netlab ports (src/ports.rs)

ports-none-tcp = netlab: no TCP socket
ports-none-tcp-port = netlab: no TCP socket with port { $port }
ports-none-listening = netlab: no listening socket (--all also shows ESTAB and TIME-WAIT)
ports-none-listening-port = netlab: no listening socket with port { $port } (--all also shows ESTAB and TIME-WAIT)
ports-not-free = ; the port is not free, though: { $what }
ports-bad-line = not a /proc/net/tcp line: { $line }
ports-no-proc = could not read /proc/net/tcp: `netlab ports` needs Linux's /proc (elsewhere, try `netstat -an`)
# What holds a port: the phrases of ports::holders, joined by the separator.
ports-owner = pid { $pid } ({ $name })
ports-connections = { $n ->
    [one] 1 connection
   *[other] { $n } connections
}
ports-holder-listens = { $who } listens on { $addr }
ports-holder-unknown-listens = another user's program listens on { $addr } (`sudo ss -tlnp` names it)
ports-holder-has = { $owner } has { $connections } on port { $port } ({ $states })
ports-holder-other-user = { $connections } of another user's program in { $state }
ports-holder-no-process = { $connections } in { $state } (no process; { $when })
ports-when-time-wait = { $n ->
    [one] it clears
   *[other] they clear
} in about 60 s
ports-when-kernel = the kernel finishes { $n ->
    [one] it
   *[other] them
} alone
ports-holders-separator = {"; "}

## netlab check: what each scenario shows (src/scenario/library.rs)
scenario-serves_clients_in_accept_order = stage 1 serves one client at a time, in the order it accepted them: B, who spoke first, waits for A
scenario-reset_kills_the_server = an exception in stage 1 ends the whole server: a client that resets before sending, and B is never served
scenario-unread_bytes_make_a_reset = stage 1 reads 1024 bytes and closes; the kernel answers the 3976 unread bytes with RST, after the welcome
scenario-silent_client_still_gets_its_welcome = a client that closes without sending: recv() returns b'' and stage 1 sends the welcome to a closed peer without error
scenario-broadcasts_to_everyone = every message goes to every client, the sender included, behind a header: the time and the sender's address
scenario-utf8_goes_through = text is UTF-8 on the wire: "你好" is six bytes, sent back as they came
scenario-header_has_the_notes_format = the header's time is written as the notes write it, %Y%m/%d %H:%M:%S (202611/25 16:35:53: year and month glued, a slash before the day), in this machine's local time; every other scenario accepts any date and time
scenario-quit_is_just_text = before stage 4 `quit` means nothing: it is broadcast like any text and the client stays
scenario-long_line_is_cut_every_1024_bytes = recv(1024) is not a message: 5000 bytes arrive as five broadcasts, and the later newline as a sixth
scenario-closed_first_client_gets_one_empty_broadcast = stage 2 does not notice a closed client: B gets one empty broadcast, then A's thread dies on a broken pipe
scenario-closed_second_client_gets_two_empty_broadcasts = when the second client closes, the first gets two empty broadcasts before that thread dies
scenario-dead_client_kills_later_senders = the closed client stays in the dict, so every later sender's thread dies on it: the chat is dead for everyone
scenario-half_closed_client_spins = after a half-close, recv() returns b'' forever: empty broadcasts in a busy loop, until netlab stops it
scenario-two_lines_in_one_recv_are_one_message = two lines sent at once arrive in one recv() and go out as one message
scenario-split_line_is_two_messages = a line that arrives in two pieces goes out as two messages
scenario-character_cut_at_1024_kills_the_thread = a Chinese character cut at byte 1024 cannot be decoded: UnicodeDecodeError kills the thread, nobody gets anything
scenario-invalid_utf8_kills_only_that_thread = invalid UTF-8 kills the sender's thread; it stays in the dict and still receives, but is never read again
scenario-reset_client_kills_later_senders = a reset raises ConnectionResetError instead of returning b'': the client stays in the dict and kills every later sender
scenario-quit_removes_the_client = from stage 4, `quit` removes the client: no broadcast, the server logs it and closes the connection
scenario-blank_line_disconnects = strip() turns a blank line into '', the same as a closed client: an empty line disconnects its sender
scenario-closed_client_is_removed = from stage 4, a client that closes is removed cleanly: no empty broadcasts, the chat goes on
scenario-half_closed_client_is_removed = from stage 4, a half-closed client is removed at once: it gets EOF, and nothing spins
scenario-quit_is_matched_after_strip = `quit` is compared after strip() and per recv(): spaces and CRLF still quit, `quit` glued to another line does not
scenario-long_line_then_newline_disconnects = 5000 bytes go out as five pieces; the newline that ends the line, alone in its recv(), strips to '' and disconnects
scenario-lines_are_framed_by_newline = makefile().readline() frames by line: CRLF becomes LF, a line split in two arrives as one message
scenario-every_line_is_delivered = two lines in one segment are two messages; netlab delivers both (CPython's makefile can lose the second: `netlab explain cpython-quirks`)
scenario-long_line_is_one_message = a 5000-byte line waits for its newline and goes out whole
scenario-ten_megabyte_line_goes_through = a 10 MB line is buffered until its newline and broadcast whole, to everyone
scenario-chinese_line_is_one_message = the line reader decodes whole lines, so a character across a packet boundary is fine
scenario-last_line_without_newline = a last line without newline is sent when the client closes, with a single \n after it
scenario-quit_is_matched_per_line = `quit` is compared per line after strip(): a `quit` line after another line quits; `quit` with no newline waits
scenario-reset_is_handled = stage 7 catches the reset: it logs the error, removes the client, and the chat goes on
scenario-line_over_the_limit_kills_the_thread = a line longer than netlab's 64 MiB limit raises ValueError in readline(): stage 6 does not catch it, so the sender's thread dies and it stays in the dict
scenario-line_over_the_limit_is_refused = a line longer than netlab's 64 MiB limit is refused: stage 7 logs the error and removes the sender
scenario-invalid_utf8_is_handled = stage 7 catches the decode error: it logs it and removes the client, which gets EOF; the chat goes on
scenario-quit_waits_for_blocked_threads = quit closes every socket, but the blocked threads do not wake, and the clients see nothing, until each acts
scenario-quit_ends_when_the_last_client_leaves = from stage 4 a client that closes after quit takes the clean path; the program ends when the last blocked thread does
scenario-quit_blocks_in_stop = stop() waits in f.close() for each client's readline(), holding the lock: new clients wait for it too
scenario-quit_with_idle_clients_is_cut_short = after quit, idle clients notice nothing: Python would wait for ever; netlab cuts the wait short after the grace period
scenario-line_too_long_gets_an_error = a line longer than the limit (64 KiB by default) gets one error line, and its sender is disconnected; the chat goes on
scenario-closed_client_leaves_the_chat = a client that closes is removed: no empty broadcast, and the others and a newcomer keep chatting
scenario-reset_client_leaves_the_chat = a client that resets is removed: the others and a newcomer keep chatting
scenario-quit_ends_the_program = `quit` ends the program within 4 s (the notes' 3 s pause, and 1 s), with two idle clients, who see their connections close
scenario-blank_line_is_a_message = a blank line is a message like any other: everyone gets it, and its sender stays
scenario-invalid_utf8_removes_the_client = a client that sends bytes that are not UTF-8 is removed (it sees EOF), and the chat goes on
scenario-churn_kills_no_thread = clients come and go while one talks: no thread dies of `dictionary changed size during iteration`, and every line arrives
scenario-slow_reader_freezes_no_one = a client that never reads holds no one up: the others' lines arrive within 1 s, it is disconnected past the bound, memory stays bounded
scenario-leavers_leave_no_socket_behind = 200 clients connect, say hi and close at once: the server closes every one of their sockets, and the chat goes on
scenario-slow_reader_stalls_only_the_sender = a client that never reads stalls only the thread sending to it: B's message and a newcomer still get through
scenario-slow_reader_freezes_everyone = a client that never reads freezes the whole server: the broadcast blocks in flush() holding the lock
scenario-dict_changed_size_under_churn = churn clients next to a chatty one: iterating the dict while others change it raises RuntimeError
scenario-no_dict_race_under_churn = with the whole broadcast under the lock, churn kills no thread and every line comes back
scenario-leavers_leave_sockets_in_close_wait = clients that close just as a broadcast writes to them kill the broadcasting thread before it closes its own client: sockets pile up in CLOSE-WAIT
scenario-client_quit_exits_at_once = `quit` ends the client within 1 s: its recv thread wakes, and the server sees it leave
scenario-client_exits_when_the_server_goes = when the server goes away, the client ends within 1 s, without spinning on the b'' recv() returns
netlab-spin-limit = Python's thread spins on b'' for ever, at full speed; netlab ends it after 20
accident-cut-character = CPython's strict decode() of one recv(1024) raises UnicodeDecodeError for a character cut in two; a server that forwards bytes has nothing to decode
accident-invalid-utf8 = CPython's decode() raises UnicodeDecodeError on bytes that are not UTF-8; a server that forwards bytes need not
accident-crlf = text-mode makefile() reads "\r\n" as "\n" (universal newlines); a server may keep the \r
cpython-loses-a-line = CPython's makefile() loses the second line when the broadcast writes to A's file (`netlab explain cpython-quirks`)
accident-last-line = CPython's readline() returns a last line without its newline when the connection ends; a server may drop it
cpython-loses-a-quit = CPython's makefile() drops what follows a line in the same segment once the broadcast writes to the sender's file, so Python loses this `quit` (`netlab explain cpython-quirks`)
netlab-line-limit = netlab refuses a line over 64 MiB; Python's readline() would keep buffering it, however long
accident-utf8-quit = CPython's decode() raises on bytes that are not UTF-8, and stage 7 takes that as `quit`; a server that forwards bytes keeps the client
netlab-cut-short = Python waits for the blocked threads for ever; netlab cuts them short after the grace period

## netlab check: a scenario's lines, the verdict, the units (src/scenario/runner.rs, outcome.rs, expect.rs)
run-netlab-only-unchecked = (not checked from here, { $n ->
    [one] 1 step
   *[other] { $n } steps
}: { $reason })
run-netlab-only = (netlab's own behaviour from here: { $reason })
run-deadline = the scenario did not finish within { $seconds } s
run-not-the-notes = (not the notes' behaviour here, and not required: { $what })
run-output-left-out = […] { $n } more lines of the program's output (`--log DIR` keeps them all)
run-not-checked = [server] (not checked: { $what })
run-memory-unknown = the server's memory stays under { $mib } MiB
run-memory-under = [server] uses { $used } MiB of memory (under { $mib } MiB)
run-memory-over = [server] uses { $used } MiB of memory, more than { $mib } MiB
run-leavers = [L1..L{ $n }] $ { $n } clients each connect, send "hi\n" and close at once ({ $connected } connected)
run-close = [{ $name }] $ close (FIN)
run-reset = [{ $name }] $ reset (RST)
run-reset-failed = [{ $name }] reset failed: { $error }
run-half-close = [{ $name }] $ shutdown(SHUT_WR): FIN, but keeps reading
run-shutdown-failed = [{ $name }] shutdown failed: { $error }
run-connect-failed = [{ $name }] could not connect to { $addr }: { $error }
run-connect = [{ $name }] $ connect { $addr }    ({ $name } is { $local })
run-register-note = {"    "}(and waits for it to come back: then { $name } is in the clients dict)
run-connect-silent = [{ $name }] $ connect { $addr }    ({ $name } is { $local }; it never reads, with a 4 KB receive buffer)
run-silent-line-missing = [{ $witness }] expected { $name }'s line { $line } within { $seconds }; it did not come
run-silent-registered = [{ $witness }] received { $name }'s line: { $name } is in the clients dict
run-send-failed = [{ $name }] send failed: { $error }
run-flood = [{ $name }] $ send { $lines } lines of { $size } bytes ("flood 000001 xxx...\n", { $mb } MB), at most { $window } ahead of what everyone who reads has received
run-flood-stalled = [{ $reader }] received { $got } of { $name }'s { $lines } lines, and nothing more for { $seconds }
run-flood-received = [{ $reader }] received all { $lines } of { $name }'s lines
run-reads-at-last = [{ $name }] reads at last: { $bytes } bytes, then the connection ends ({ $how })
run-still-open = [{ $name }] reads at last: { $bytes } bytes, and the connection is still open after { $seconds }
run-churn = [churn] $ for { $seconds }: 6 threads connect, send "hi\n", "quit\n" and close, over and over ({ $connections } connections), while [{ $chatty }] sends "spam N\n" every millisecond ({ $sent } lines)
run-churn-lost = [{ $name }] received { $got } of { $chatty }'s { $sent } lines
run-churn-all = [{ $name }] received all { $sent } of { $chatty }'s lines
run-close-wait = [server] still holds { $n ->
    [one] 1 connection
   *[other] { $n } connections
} in CLOSE-WAIT after { $seconds }: their clients closed, and the server never closed its sockets
run-no-close-wait = [server] holds no connection in CLOSE-WAIT
run-send = [{ $name }] $ send { $bytes }{ $note }
run-send-stalled = [{ $name }] sent { $sent } of { $total } bytes in { $seconds }, then the connection stayed full
run-bug-not-connected = scenario bug: client { $name } is not connected
run-received = [{ $name }] received { $bytes }
run-then-eof = , then the connection was closed (EOF) { $after } into this step
run-then-rst = , then the connection was reset (RST) { $after } into this step
run-then-error = , then the connection failed: { $error }
run-then-exited = , and the program has ended ({ $how })
run-received-nothing-in = [{ $name }] received nothing in { $seconds }
run-received-nothing = [{ $name }] received nothing
run-received-only-in = [{ $name }] received only { $n ->
    [one] 1 byte
   *[other] { $n } bytes
} in { $seconds }: { $bytes }
run-received-only = [{ $name }] received only { $n ->
    [one] 1 byte
   *[other] { $n } bytes
}: { $bytes }
run-expected = [{ $name }] expected: { $bytes }
run-received-label = [{ $name }] received: { $bytes }
run-first-difference = ^ first difference at byte { $at }
run-extra = [{ $name }] expected nothing more for { $ms } ms, but received { $bytes }
run-quiet-rst = [{ $name }] expected nothing for { $ms } ms, with the connection open, but it was reset (RST) after { $after }
run-quiet-eof = [{ $name }] expected nothing for { $ms } ms, with the connection open, but it was closed (EOF) after { $after }
run-quiet = [{ $name }] receives nothing for { $ms } ms
run-end-but-received = [{ $name }] expected the connection to end, but first received { $bytes }
run-closed-eof = [{ $name }] connection closed by the server (EOF)
run-closed-rst = [{ $name }] connection reset (ConnectionResetError)
run-closed-error = [{ $name }] connection ended with an error: { $error }
run-end-still-open = [{ $name }] expected the connection to be { $expected }, but it is still open after { $seconds }
run-end-error = [{ $name }] expected the connection to be { $expected }, but it failed: { $error }
run-end-other = [{ $name }] expected the connection to be { $expected }, but it was { $got }
run-bug-no-witness = scenario bug: a silent client needs a reading one
end-eof = closed (EOF)
end-rst = reset (RST)
unit-seconds = { $s } s
verdict-pass = PASS
verdict-fail = FAIL
verdict-not-checked = NOT CHECKED
outcome-at-step = at step { $step }
outcome-not-checked = { $n ->
    [one] 1 step
   *[other] { $n } steps
} not checked
outcome-said = {" "}({ $said })
outcome-said-separator = ;{" "}
outcome-hint = hint: { $hint }
outcome-server-records = the server's last records:
load-not-registered = client { $name }'s first line never came back: the server did not register it
shortened = { $head }…{ $tail } ({ $n } characters)

## netlab check: what the server did (src/scenario/target.rs)
target-logs = [server] logs { $text }
target-expected-log = [server] expected a log line containing { $text }
target-logged = [server] logged { $text }
target-thread-died = [server] thread { $thread } ended with an exception: { $error }
target-never-says = [server] never says { $text }
target-thread-did-not-end = [server] expected thread { $thread } to end within { $seconds } s; it did not
target-thread-dies = [server] thread { $thread } ends with an exception: { $error }
target-thread-ends = [server] thread { $thread } ends
target-thread-ended-otherwise = [server] thread { $thread } ended with { $got }, expected { $want }
target-no-exception = no exception
target-an-exception = an exception containing { $text }
target-thread-blocked = [server] thread { $thread } is { $state }
target-now-ended-with = not running: it ended with { $error }
target-now-ended = not running: it ended
target-now-never-started = not running: it never started
target-now-running = running
target-expected-blocked = [server] expected thread { $thread } to be blocked in { $call }; it is { $now }
target-quit-grace = [console] >> quit    (grace { $seconds } s)
target-bug-quit-ends = scenario bug: QuitEnds without Quit
target-quit-not-clean = [server] expected the quit to end with every thread done, but after { $seconds } s these were cut short:
target-quit-not-cut = [server] expected the quit to be cut short, but after { $seconds } s every thread had ended
target-quit-clean = [server] every thread has ended { $seconds } s after quit
target-quit-cut = [server] every thread has been cut short { $seconds } s after quit
target-prints = [server] prints { $text }
target-logs-unknown = logs { $text } (not in its output: a server may log in its own words)
target-printed = [server] printed { $text } (see its output above)
target-never-prints = [server] never prints { $text }
target-unknown-thread-ends = thread { $thread } ends
target-a-thread-dies = [server] a thread ends with an exception: { $error }    (seen in its output; which thread is not checked)
target-unknown-thread-dies = thread { $thread } ends with { $error } (not in its output)
target-unknown-blocked = thread { $thread } is blocked in { $call }
target-could-not-type-quit = [console] could not type `quit` on the program's standard input: { $error }
target-typed-quit = [console] >> quit    (typed on the program's standard input)
target-unknown-quit-cut = the quit is cut short
target-program-ends = [server] the program ends { $seconds } s after quit ({ $how })
target-program-still-running = [server] expected the program to end within { $seconds } s of `quit`; it is still running
target-record-log = log: { $text }
target-record-print = print: { $text }
target-record-ended-with = thread { $thread } ended: { $error }
target-record-ended = thread { $thread } ended

## netlab check: a client program (src/scenario/client_check.rs)
client-check-server-did-not-start = netlab's stage { $stage } did not start: { $error }
client-check-server = [server] $ netlab stage { $stage } on { $addr }    (netlab's own, for the client to talk to)
client-check-observer-failed = could not connect to netlab's own server: { $error }
client-check-observer-unregistered = netlab's own server did not register its observer
client-check-observer = [observer] $ connect { $addr }    (it watches what the client sends)
client-check-ready = [observer] received "{"{"}TS{"}"} ip:port\nI'm ready\n\n"
client-check-not-ready = [observer] expected the client's "I'm ready" within { $seconds } s; it did not come
client-check-types = [console] >> { $line }
client-check-server-goes = [server] goes away: netlab shuts all its connections down (the client's recv() returns b'')
client-check-ends = [client] ends { $seconds } s later ({ $how })
client-check-still-running = [client] expected to end within { $ms } ms; it is still running
client-check-printed = [client] printed { $printed } lines meanwhile (at most { $n })
client-check-spun = [client] printed { $printed } lines meanwhile, more than { $n }: it spun
client-check-could-not-start = could not start `{ $command }`: { $error }
client-check-command = [client] $ { $command }
client-check-not-started = the client was not started
client-check-could-not-type = could not type on the client's standard input: { $error }
client-check-more-lines = [{ $label }] ... and { $n } more lines
client-check-own-did-not-start = netlab's client { $client } did not start: { $error }
client-check-own = [client] netlab's { $client }, in this process
client-check-send-failed = send failed: { $error }
client-check-threads-ended = every thread of the client has ended
client-check-logs = [client] logs { $record }
client-check-more-records = [client] ... and { $n } more records

## netlab check: hints, only where their cause was seen (src/scenario/hint.rs, runner.rs)
hint-memory = what is queued for a client that does not read must be bounded: disconnect it past the bound instead of keeping everything
hint-program-ended = the program has ended ({ $how }): what it printed is above
hint-no-longer-listens = the server no longer listens on its port (it did when the scenario began): it closed its listening socket, or it ended
hint-backlog-full = the connection was not accepted within { $seconds }: the server's listen backlog is full (nothing calls accept())
hint-chat-froze = the chat froze while a client that does not read was connected: a broadcast that waits for it holds everyone up (in the notes, flush() blocks while the thread holds the lock)
hint-disconnect-slow = a client that does not read must be disconnected once too much is queued for it; otherwise what waits for it grows without end
hint-race = iterating the dict while another thread adds or removes a client raises RuntimeError: every access to the dict, the broadcast's loop included, must hold the lock
hint-churn-lost = a thread that broadcast ended with an exception, or a line was lost: a client connected throughout must receive every line
hint-close-wait = a write to a client that has just closed raises BrokenPipeError; if nothing catches it, it ends the thread that was broadcasting before that thread closes its own client (`ss -tan state close-wait` shows them)
hint-send-closed = the server had already closed { $name }'s connection
hint-send-reset = the server had already reset { $name }'s connection
hint-send-stalled = the server stopped reading from { $name }: its receive buffer is full (a thread that ended with an exception, or one blocked elsewhere, never reads its client again)
hint-check-command = check the command after `--`
hint-client-ready = the client must connect to the port it was given ({"{"}port{"}"} in its arguments, or $PORT) and send "I'm ready\n" first, as the notes' client does
hint-client-still-running = close() from another thread does not wake a recv() blocked on the socket (shutdown() does), and once the server has closed, recv() returns b'' at once, every time: end the loop on it
hint-client-spun = once the server has closed, recv() returns b'' at once, every time: a loop that does not stop on it logs b'' as fast as it can
hint-crlf = a \r before the newline: the notes read text with universal newlines, so "\r\n" arrives as "\n" (makefile() in text mode, or strip the \r yourself)
hint-empty-message = an empty message came: recv() returns b'' once a client has closed, and a server that does not check for it broadcasts nothing
hint-missing-newline = the message ends without its own \n: the notes send the header, the line (with its \n), then one more \n
hint-split-line = a new message started where this one goes on: the server sent part of the line as a message of its own (a server that frames by recv() sends whatever one recv() returned; a line-based one waits for the newline)
hint-joined-lines = more text came where the next message should start: two lines went out as one message
hint-empty-message-from = an empty message from { $who } came: recv() returns b'' once a client has closed, and a server that does not check for it broadcasts nothing
hint-another-sender = a message from { $who } came where one from another client was expected
hint-header-names = the header names { $who } ({ $shown }) as the sender: the message came from another client than expected, or the header's address is not its sender's
hint-header-server-address = the header shows the server's own address: it must be the sender's, the address accept() returned for that client
hint-header-no-time = the header has no date and time: each message starts with "{"{"}time{"}"} ip:port\n", the time, a space, the sender's address
hint-not-a-header = this is not a header line: each message starts with "{"{"}time{"}"} ip:port\n" (the time, a space, the sender's address), then the text
hint-header-format = the header's time uses { $format }; the notes write %Y%m/%d %H:%M:%S (year and month glued, a slash before the day: 202611/25 16:35:53). Every other scenario accepts any date and time; this one checks the notes' exact format
hint-header-time = the header's time "{ $text }" is not in the notes' format %Y%m/%d %H:%M:%S (e.g. 202611/25 16:35:53). Every other scenario accepts any date and time; this one checks the notes' exact format
hint-took-as-leaving = { $name }'s last line strips to 'quit' or '', and the server took it as leaving
hint-reset = a reset (RST) comes from a server that closes a connection while bytes it has not read wait in it, or from a process that ends abruptly
hint-not-own-message = { $name } did not get its own message back, but other clients got it: every message goes to every client in the clients dict, the sender included
hint-nobody-received = no client received the line back: the server did not broadcast it (its output above may say why)
hint-not-in-dict = other clients got the message and { $name } did not: is it in the clients dict?
hint-empty-messages = empty messages: recv() returns b'' once a client has closed, and a loop that does not check for it broadcasts nothing, again and again
hint-part-of-line = part of a line went out before its newline came: a server that frames by recv() sends whatever one recv() returned; a line-based one waits for the whole line
hint-quit-removes = `quit` must remove the client: pop it from the dict and close its socket (the client sees EOF)
hint-quit-broadcast = `quit` was broadcast like a message: compare the stripped line with 'quit' and remove the client instead
hint-clock-behind = the header's time is { $hours } h { $minutes } min behind this machine's clock: the notes stamp messages with datetime.now(), the local time (a server that uses UTC, or another time zone, is off by whole hours)
hint-clock-ahead = the header's time is { $hours } h { $minutes } min ahead of this machine's clock: the notes stamp messages with datetime.now(), the local time (a server that uses UTC, or another time zone, is off by whole hours)
hint-stdin-closed = the program has ended, or closed its standard input
hint-quit-still-running = after `quit`, the program ends once every thread has: is a thread still blocked in recv(), readline() or accept()? (`netlab explain 3` shows why close() does not wake it)

## netlab check: the frame, the groups, the notes and the summary (src/check/mod.rs, report.rs)
check-bad-seconds = { $text } is not a number of seconds between 0 and 600
check-group-client = { $subject }'s scenarios (netlab's stage { $stage } plays the server):
check-group-own = { $subject }'s own scenarios:
check-group-kept-fix = scenarios of { $base } that the fix must keep:
check-group-kept = scenarios of earlier stages that still hold at { $subject }:
check-client-no-scenarios = netlab check: the notes' client has no scenarios of its own; its exercise has: `netlab check { $exercise } -- python3 my_client.py {"{"}port{"}"}`
check-no-such-scenario = netlab check: no scenario { $name } here; the scenarios are: { $names }
check-log-dir = could not make --log { $dir }: { $error }
check-interrupted = netlab check: interrupted; the program under test was stopped
check-not-recorded-own = netlab check: exercise { $exercise } passed with netlab's own program, which is not yours: not recorded in ./{ $file }
check-recorded = netlab check: exercise { $exercise } passed; recorded in ./{ $file } (`netlab exercises` shows your progress)
check-not-recorded = netlab check: exercise { $exercise } passed, but not recorded: { $why }
check-cannot-watch = cannot watch { $file }: { $error }
check-watching = netlab check: watching { $file }: every save checks again; Ctrl-C stops
check-what-exercise = { $subject } ({ $title }), from { $base }
check-what = { $subject } ({ $title })
check-how-client = a fresh client for each scenario, with {"{"}port{"}"} and $PORT the port of netlab's own stage { $stage }
check-how-port = a fresh program for each scenario, on port { $port }
check-how = a fresh program for each scenario, on a free port ({"{"}port{"}"} in its arguments, $PORT in its environment), { $jobs } at a time
check-judged-strict = everything the notes' program does must hold: its flaws, CPython's accidents and the header's exact format (--strict)
check-judged = the contract must hold; the notes' flaws and CPython's accidents are reported, not required (--strict requires them)
check-heading = netlab check { $id }: `{ $command }` against { $what }
check-adds-nothing = { $subject } adds no scenario of its own: what it changes shows only under load (`netlab explain { $id }`); the scenarios below must still hold
check-same-failure = the same failure as { $first }, above
check-cannot-check = CANNOT CHECK: { $why }
check-not-started = netlab check: the program could not be checked (exit code { $code })
check-summary = { $passed } passed, { $failed } failed
check-summary-not-checked = { $n } not checked at all
check-summary-not-run = { $n } not run
check-summary-separator = ,{" "}
check-summary-steps = {" "}({ $n ->
    [one] 1 step
   *[other] { $n } steps
} not checked)
check-summary-flaws = the notes' flaws: { $present } present, { $absent } absent
check-summary-python = python-specific: { $n } (not required)
check-not-run-registering = (the other { $n } scenarios were not run: every scenario starts by registering its clients, each sending a line and waiting for it to come back, and that failed: fix it first)
check-not-run = (not run, after the first failure: { $names })
check-not-checked-why = (not checked: steps that look inside the server, such as what a thread is blocked in, or what only netlab's own stages do; `netlab explain check` says which)
check-exercise-hints = (`netlab exercise { $exercise } --hint` has { $n } hints)
note-absent-at = { $text } (step { $step }: { $why })
note-flaw-kept = flaw present, as the notes keep it
note-flaw-fixed-by = flaw present: { $fixer } fixes it
note-flaw-exercises = flaw present: exercises { $ids } fix it
note-flaw-stages = flaw present: stages { $ids } fix it
note-flaw-absent = flaw absent: the notes' code shows it here, this program does not
note-python = python-specific: { $why }
note-python-not-required = python-specific, not required: { $why }
note-python-contract = python-specific: { $why }; a server in another language must do it

## netlab exercises, netlab exercise (src/exercise.rs)

exercise-progress-unreadable = could not read { $file }: { $error }
exercise-progress-foreign = { $file } is not netlab's progress file (its first line should be { $header }): netlab leaves it as it is; rename or delete it to keep your progress here
exercise-progress-unknown = { $file } line { $line }: { $text } is not an exercise netlab knows: netlab leaves the file as it is; fix or delete that line
exercise-done-at = done { $when }
exercise-done = done
exercise-pending = pending
exercises-summary = { $done } of { $total } done (from ./{ $file }). `netlab exercise ID` shows one; `netlab check ID -- <your program>` grades it.
exercise-base-stage = stage { $n }
exercise-base-client = the client
exercise-how =
    Start:     { $start }
               writes { $file }: { $base }'s Python program, as `netlab source { $source }` prints it
    Check it:  { $run }
               checks again every time you save { $file } (Ctrl-C stops it)
exercise-started = Wrote { $file }: { $base }'s Python program, unchanged. The exercise: { $title }.
exercise-next = Next, check it (again every time you save it; Ctrl-C stops), and ask for a hint when stuck:
exercise-next-in = Next, in { $dir }: check it (again every time you save it; Ctrl-C stops), and ask for a hint when stuck:
exercise-start-exists = { $file } already exists, and may hold your work: netlab leaves it as it is. `--force` replaces it with { $base }'s program; `--start DIR` writes into another directory.
exercise-start-failed = could not write { $file }: { $error }
exercise-start-no-python = { $base } has no Python program to start from yet; `netlab source { $source } --rust` prints the Rust netlab runs
exercise-hint = Hint { $n }: { $text }
exercise-stuck = Stuck? `netlab exercise { $id } --hint` ({ $n } hints, from gentle to concrete).
exercise-afterwards = Afterwards, compare with netlab's solution: `netlab diff { $base } { $id }`, and run it: `{ $run }`.

## The live view, --view (src/view, src/main.rs, src/console.rs, src/demo/slow.rs)

view-no-terminal = the view could not take the terminal ({ $error }); the plain output goes on
view-refused = --view needs a terminal to draw on: { $why }. Running { $what } with the plain output instead.
view-refused-demo = --view needs a terminal to draw on: { $why }. Running the demo with the plain output instead.
view-what-stage = stage { $n }
view-why-stdout = standard output is not a terminal (a pipe or a file?)
view-why-stdin = standard input is not a terminal, so no key could reach the view
view-why-dumb = TERM=dumb: this terminal cannot be drawn on
view-why-no-term = TERM is not set: netlab cannot tell what this terminal can draw
view-title-stage = stage { $n } · { $slug }
view-keys-hint = ? keys  p pause  q quit
view-keys-hint-short = ? keys
view-help =
    q        quit: the console's `quit` (stages 1-2: as Ctrl-C)
    Ctrl-C   the same; again while quitting: cut the wait short
    p        pause the display (the server keeps running)
    ?        show or hide these keys
    any other key starts a >> console line; Enter sends it,
             Esc clears it. An empty line logs the threads and
             the clients, as the notes' console does.
view-help-title = keys
view-help-close = any key closes this
view-threads = threads ({ $alive } alive, { $ended } ended)
view-dict = clients dict ({ $n })
view-no-dict = stage 1 keeps no clients dict: its connections
view-log = messages and log records
view-no-lock = no lock in this stage
view-lock-free = self.lock: free
view-lock-held-by = self.lock held by { $thread }
view-running = running
view-ended = ended
view-died = died: { $exception }
view-at-prompt = at the >> prompt, in input()
view-holds-lock = holds lock
view-makefile-close = in f.close() for { $peer }
view-col-client = client (key)
view-col-socket = socket
view-col-thread = thread
view-col-received = recv'd
view-col-sent = sent
view-col-peer-recv-q = peer Recv-Q
view-open = open
view-closed = closed
view-alive = alive
view-dead = dead
view-gone = gone
view-empty-dict = {"{}"}  (empty)
view-more = ... and { $n } more
view-up = up { $clock }
view-paused = PAUSED: the display is still, the server runs on (p)
view-no-console = no >> console in this stage: q or Ctrl-C stops it (Ctrl-C in Python too)
view-demo-keys = a demo, no console: q or Ctrl-C ends it
view-console-gone = the console is gone (quit)
view-quitting-keys = Ctrl-C cuts the wait short
view-quit-since = quit { $seconds }s ago
view-cut-in = cut short in { $seconds }s
view-stop-running = stop() is running
view-stop-blocked = stop() is blocked
view-stop-pause = stop() returned; the notes' 3 s wait
view-python-waits = Python waits for { $threads } stop() did not wake
view-all-ended = every thread has ended
view-too-small = netlab's view needs at least 80x24; this terminal is { $w }x{ $h }. Enlarge it, or press q.
slow-view-over = The experiment is over; the clients stay connected, so the server stays as it is. q ends the demo.

## The curriculum's ids, on every command (src/curriculum.rs)

id-unknown = there is no stage or exercise "{ $id }": the stages are { $stages } (`netlab stages`), the client is `{ $client }`, the exercises are { $exercises } (`netlab exercises`)
id-is-the-client = { $id } is the notes' client: run it with `netlab client`
id-is-a-client-solution = { $id } is the client's exercise: run its solution with `netlab client --solution { $id }`
id-is-a-stage-not-a-client = { $id } is a stage, a server: run it with `netlab stage { $id }`; `--solution` takes the client's exercise
id-is-a-server-solution = { $id } is a server's exercise: run its solution with `netlab stage { $id }`
id-is-not-an-exercise = { $id } is not an exercise; the exercises are { $exercises } (`netlab exercises`)
list-separator = {", "}
entry-stage = stage { $id }
entry-client = the client
entry-exercise = exercise { $id }
explain-or-a-page = Or a page: { $pages }.

## netlab check --class: a whole class at once (src/check/class.rs)

class-no-file = netlab check --class: the command does not say where each student's program goes: put { $file } there, as in `netlab check 7 --class 'students/*/server.py' -- python3 { $file } { $port }`
class-no-match = netlab check --class: no file matches { $pattern } (in { $dir }). Quote the pattern, so that netlab expands it, not the shell: `--class 'students/*/server.py'`
class-report-unwritable = cannot write the report { $file }: { $error }
class-interrupted = netlab check: interrupted; the students' programs were stopped
class-heading = netlab check { $id } --class { $pattern }: { $students ->
    [one] 1 student
   *[other] { $students } students
}, against { $subject } ({ $title })
class-how = `{ $command }`, { $file } being each student's program: { $scenarios ->
    [one] 1 scenario
   *[other] { $scenarios } scenarios
} each, a fresh program for each on a free port, { $jobs } programs at a time in all
class-judged = the contract must hold; the notes' flaws and CPython's accidents are reported, not required (--strict requires them)
class-judged-strict = everything the notes' program does must hold: its flaws, CPython's accidents and the header's exact format (--strict)
class-progress = scenarios
class-progress-students = checking { $students }
class-column-student = student
class-column-passed = passed
class-column-time = time
class-seconds = { $seconds } s
class-mark-passed = passed
class-mark-failed = failed
class-mark-not-checked = not checked
class-mark-not-run = not run
class-mark-not-started = did not start
class-scenarios = the scenarios:
class-failed = { $student }: { $failed ->
    [one] 1 scenario failed
   *[other] { $failed } scenarios failed
}; the first, { $number } { $scenario }, at step { $step }: { $why }
class-not-started = { $student }: could not be checked: { $why }
class-not-run = { $student }: some scenarios were not run
class-hint = hint: { $hint }
class-summary = { $passed } of { $students } passed every scenario ({ $seconds } s in all)
class-report-written = the report, for a browser: { $file }

## netlab check --class --report: the page (src/check/html.rs)

class-html-title = netlab check { $id }: the class
class-html-command = command
class-html-programs = programs
class-html-count = { $students ->
    [one] 1 student
   *[other] { $students } students
}, { $scenarios ->
    [one] 1 scenario
   *[other] { $scenarios } scenarios
} each
class-html-when = checked
class-html-when-text = { $date }, in { $seconds } s, { $jobs } programs at a time
class-html-judged = judged by
class-html-summary = { $passed } of { $students } passed every scenario
class-html-how = Click a heading to sort by it (again for the other way): a scenario's column puts those who failed it first. Click a mark for its transcript; hover over it for the notes.
class-html-failed-at = failed at step { $step }
class-html-failure = { $number } { $scenario }, at step { $step }: { $why }
class-html-student-passed = passed
class-html-student-failed = did not pass
class-html-others = { $n ->
    [one] 1 other scenario, with its transcript
   *[other] { $n } other scenarios, with their transcripts
}
class-html-tag-flaw = flaw
class-html-tag-flaw-meaning = a flaw of the notes' code, present here too (reported, not required)
class-html-tag-python = python
class-html-tag-python-meaning = what CPython does by accident, present here (reported, not required)
class-html-footer = Made by netlab check --class. The transcripts are those a single `netlab check` prints: each can be given to its student.

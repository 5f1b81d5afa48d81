# netlab 的中文消息。每条消息由 id、`=` 和正文组成；`{ $name }` 是参数。正文跨多行时，
# 后续行要缩进。messages/en.ftl 有同样的 id 和同样的参数（有测试检查）。
# 中文里没有英语那样的单复数：不要用 [one] 选择器（中文只会匹配 *[other]），需要时用精确的 [1]。

## 多条消息共用的词

count-threads = { $n } 个线程

## 单位

unit-ms = { $n } 毫秒
unit-s = { $n } 秒

## netlab 自己的行：错误的前缀（前缀与英文界面保持同一格式，测试也依赖它）

netlab-error = netlab: 错误：{ $message }

## netlab stages（src/main.rs）：每个阶段的标题后面是笔记里的标题

stages-heading = 《{ $heading }》
stages-client = 《{ $heading }》：{ $command }

## netlab explain

explain-list-heading = 用 netlab explain 页面名 可以查看下列页面（取自 docs/，已嵌入 netlab）：
explain-link-page = { $text }（{ $command }）
explain-link-url = { $text }（{ $url }）
explain-not-translated = netlab: 页面 { $page } 还没有这种语言的版本，下面显示另一种语言的版本（{ $file }）。

## netlab diff

diff-heading-stage = 第 { $number } 阶段 · { $heading } · { $summary }
diff-heading-client = 客户端 · { $heading } · { $summary }
diff-heading-solution = 练习 { $id } 的参考答案 · { $title }
diff-old = 改动前：{ $heading }
diff-new = 改动后：{ $heading }
diff-same = 两个文件完全相同。
diff-no-python = netlab: { $entry }还没有 Python 程序：下面是 netlab 运行的 Rust 文件之间的差异
# 阶段页面里折叠起来的 Rust 差异的标题（build.rs 自己读取这一行：只能有参数）。
page-diff-rust-summary = netlab 运行的 Rust 代码里的同一处改动（netlab diff { $old } { $new } --rust）
diff-stat = 增加 { $added } 行，删除 { $removed } 行

## netlab source（src/source.rs）

source-no-python = netlab: { $entry }还没有 Python 程序：下面是 netlab 运行的 Rust 代码（{ $file }）

## 为终端截短的长行（src/terminal.rs）

terminal-shortened = （共 { $total } 字节；netlab 只显示前 { $shown } 字节）

## netlab 自己的行：警告的前缀；信号

netlab-warning = netlab: 警告：{ $message }
signal-sigint = Ctrl-C（SIGINT）
signal-sigterm = SIGTERM
signal-other = 信号
cannot-catch-signals = netlab: 警告：无法捕获 Ctrl-C（{ $error }）；按下 Ctrl-C 会立即结束进程

## 阶段如何结束（src/console.rs）

script-ended-exception = 脚本因异常结束：退出码 1，与 Python 相同
script-ended = 脚本服务完两个客户端后结束：退出码 0
script-signal = { $signal }：第 { $stage } 阶段是没有 stop() 的脚本，与 Python 一样立即结束（{ $python }）
script-signal-keyboard-interrupt = KeyboardInterrupt
script-signal-killed = 被信号杀死
forever-no-stop = 第 { $stage } 阶段没有控制台，也没有办法停止：它会一直服务，直到收到 Ctrl-C（SIGINT）或 SIGTERM，与 Python 程序相同
forever-signal = { $signal }：进程立即结束，与 Python 相同（退出码 { $code }）；客户端会看到连接关闭
console-eof = 标准输入已结束，控制台已失效（Python 的控制台会因 EOFError 退出）；服务端继续服务。可以按 Ctrl-C 停止它，或者执行 `kill { $pid }`（SIGTERM）。
console-signal = { $signal }：视同输入了 `quit`，开始停止（在 Python 里，Ctrl-C 只会让控制台退出，服务端继续运行）。再按一次 Ctrl-C 可立即结束等待。
console-not-utf8 = 这一行不是 UTF-8：Python 的 input() 会抛出 { $error }（在 UTF-8 的 locale 下），控制台也会随之退出。netlab 跳过这一行，不执行也不发送任何内容，控制台照常可用。

## quit 之后：Python 会等待的线程（src/stage.rs、src/thread_list.rs）

quit-every-thread-ended = quit 之后 { $seconds } 秒，所有线程都已结束：程序退出，与 Python 相同（退出码 0）
quit-cut-short = quit 之后 { $seconds } 秒退出，强行终止了 { $threads }（退出码 0）
quit-signal-cut = 退出过程中收到 { $signal }：立即强行终止；仍有 { $n } 个线程在运行：
quit-stop-blocked = stop() 过了 { $seconds } 秒仍未返回：它阻塞了，与 Python 相同（python-originals §9）：
quit-stop-blocked-then = 此时只要有客户端发来一行或断开连接，与它相关的阻塞就会解除。netlab 最多等到 quit 之后 { $grace } 秒（--grace），届时仍在运行的线程会被强行终止；按 Ctrl-C 可立即终止。
quit-stop-returned = stop() 已经返回；Python 现在要等待 stop() 没能唤醒的 { $threads }：
quit-stop-returned-then = netlab 最多等到 quit 之后 { $grace } 秒（--grace），届时仍在运行的线程会被强行终止；按 Ctrl-C 可立即终止。
quit-grace-over = quit 之后已过 { $seconds } 秒（--grace），仍有 { $n } 个线程在运行；Python 会一直等到所有线程结束，而阻塞在套接字调用里的线程永远不会结束：
quit-grace-over-then = netlab 现在强行终止仍在运行的线程：对每个套接字执行 shutdown，客户端会看到连接关闭。
quit-how-they-ended = 被强行终止的线程，最终结果如下：
quit-ended-way = {"  "}- { $who }：{ $way }
quit-still-running = 仍在运行
quit-returned-normally = 正常返回
threads-one = { $name }：{ $state }
threads-group = { $threads }{ $state }：
threads-running = 运行中
threads-same-one = 上面列出的那个线程，仍停在原处
threads-same-all = 上面列出的 { $n } 个线程，都仍停在原处
threads-same-some = 上面列出的 { $threads }，仍停在原处
threads-ended = 上次列出之后已结束：{ $names }
threads-names-two = { $first } 和 { $last }
threads-names-more = { $first } 以及另外 { $more } 个线程
threads-names-separator = {"、"}

## 线程阻塞在什么调用里（src/py/call.rs）

call-accept = 阻塞在 accept()（监听 { $addr }）
call-recv = 阻塞在 { $call }（来自 { $peer }）
call-send = 阻塞在 send()（发往 { $peer }）
call-lock = 在等待 self.lock
call-makefile-close = 阻塞在 f.close()（{ $peer } 的 makefile）
call-other = 阻塞在 { $call }

## 线程为什么醒不过来（src/py）

why-accept = 在 Linux 上，从另一个线程关闭监听套接字不会唤醒 accept()；要等下一个客户端连进来，它才会返回（python-originals §12 M3）
why-recv = 在 Linux 上，从另一个线程关闭这个套接字，既不会唤醒 { $call }，也不会发出 FIN；只有这个客户端发来数据或断开连接，{ $call } 才会返回（python-originals §12 M3）
why-send = 这个客户端不读数据：它的接收缓冲区和这个套接字的发送缓冲区都已写满，所以 send() 在等缓冲区腾出空间
why-event = 在等一个永远没有人 set() 的事件：这是笔记有意安排的等待
why-lock-held-by = self.lock 被线程 { $holder } 持有，而该线程自己也卡住了
why-lock-held = self.lock 被另一个线程持有
why-makefile-close = 另一个线程还在这个 makefile 的 readline() 里，makefile 无法关闭；要等那个客户端发来一行或断开连接，它才会关闭（python-originals §12 M2）
why-queue-get = 队列是空的：要等另一个线程放入一项，get() 才会返回
why-outbox-empty = 发送队列（outbox）是空的：写线程要等有消息放进来才继续
why-select = select() 要等到某个已注册的套接字就绪才返回；stop() 会通过选择器唤醒它，所以它不会一直卡住
makefile-line-too-long = 这一行超过 { $mib } MiB：这是 netlab 设的上限（Python 会一直缓冲下去，直到内存耗尽）
makefile-line-over-limit = 这一行超过 { $limit } 字节
thread-cut-short = netlab 强行终止程序时，线程 { $name } 随之结束（{ $error }）
spin-stopped = { $call } 连续 { $limit } 次返回 b''：对端已关闭它那一侧，而从不检查 b'' 的循环会立刻再次调用它，永不停止。Python 会在这里全速空转（每秒几万次）；netlab 改为结束这个线程

## netlab client（src/console.rs、src/client_command.rs）

client-cannot-connect = 无法连接到 { $addr }：{ $error }。那里有服务端在运行吗？请在另一个终端里用 `netlab stage 7`（或 `make run`）启动一个。
client-quit = quit：笔记里的 stop() 先关闭套接字，再等 3 秒才记录“Client stops”。按 Ctrl-C 可立即结束客户端。
client-would-hang = Python 的客户端会在这里卡住：它的 recv 线程仍阻塞在 recv() 里，close() 既没有唤醒它，也没有发出 FIN，所以服务端还不知道你已经离开。netlab 改为对连接执行 shutdown，然后退出。
client-failed = { $what }失败：{ $error }。连接已断开；Python 的客户端会打印这个 traceback，然后停在提示符处。
client-eof = 标准输入已结束：Python 客户端的主线程会在提示符处因 EOFError 退出，但 recv 线程仍在运行；netlab 继续接收，直到服务端关闭连接，或者你按下 Ctrl-C。
client-recv-ended = recv 线程已经结束，再也没有线程接收消息了。Python 的客户端会继续显示提示符，却没有人在接收；netlab 退出。
client-recv-ended-solution = recv 线程已经结束（服务端关闭了连接）：客户端退出。
client-signal = { $signal }：{ $python }；netlab 关闭连接并退出（退出码 { $code }）。
client-signal-console = Python 的客户端只会失去控制台（KeyboardInterrupt），仍会继续接收消息
client-signal-stopping = Python 的客户端会因 KeyboardInterrupt 跳出 stop() 里的 3 秒等待，但随后仍会卡住，一直等 recv 线程结束
client-signal-other = Python 的客户端也会立即结束
client-reset = /reset：先设置 SO_LINGER {"{"}on, 0{"}"}，再 close()：内核发出的是 RST 而不是 FIN。服务端的 recv()（第 6、7 阶段是 readline()）抛出 ConnectionResetError: [Errno 104] Connection reset by peer，第 7 阶段之前没有代码捕获它：在第 1 阶段，整个服务端因此退出；在第 2～6 阶段，负责读取你的那个线程因此异常退出。连接已断开，所以客户端退出。
client-halfclose = /halfclose：shutdown(SHUT_WR) 发出了 FIN：你不再发送，但仍然接收。服务端的 recv() 现在返回 b''：第 4～7 阶段认为你已离开，随即关闭连接（接着这个客户端的 recv() 也会返回 b''，笔记里的循环空转，直到 netlab 让它停下）；第 2、3 阶段则会不停地读到 b''，陷入空转（见 `netlab explain 2`）。此后再输入一行，发送会报 BrokenPipeError。
client-bytes = /bytes：原样发送了 { $n } 个字节：{ $bytes }
client-flood = /flood：一次性发送了 { $n } 行，从 `flood 1` 到 `flood { $n }`（共 { $bytes } 字节），用时 { $ms } 毫秒。第 2～5 阶段每次用 recv(1024) 读取，不按换行符分帧，所以这些行到达时会被截断、粘在一起（粘包与拆包）。
client-send = 发送
client-help =
    netlab 的命令（笔记里的客户端没有命令；其他任何一行都作为聊天消息发送）：
      /reset            SO_LINGER 0，然后 close()：服务端收到 RST 而不是 FIN；客户端退出
      /halfclose        shutdown(SHUT_WR)：服务端收到 FIN（recv() 返回 b''）；你仍然可以接收
      /bytes ff fe 0a   按十六进制原样发送这些字节（此例：两个非法 UTF-8 字节，再加一个换行）
      /flood N          一次性发送 N 行带编号的消息（`flood 1` ... `flood N`），N 最大为 { $max }
      /help             显示这个列表
      //text            发送聊天消息 `/text`（开头的 / 要写两个）
      quit              笔记里的 stop()：关闭，等 3 秒，记录“Client stops”；然后 netlab 退出
client-command-bare = /{ $name } 后面不带参数：没有发送任何内容
client-command-flood = /flood 需要 1 到 { $max } 之间的行数，例如 `/flood 100`：没有发送任何内容
client-command-unknown = 未知命令 `/{ $name }`：没有发送任何内容。`/help` 列出所有命令；要发送以 `/` 开头的聊天消息，把 `/` 写两个（`//{ $name }` 发送的是 `/{ $name }`）
client-command-hex = /bytes：`{ $token }` 不是十六进制字节；每个字节写两个十六进制数字，例如 `/bytes ff fe 0a`：没有发送任何内容
client-command-no-bytes = /bytes 需要给出要发送的字节（十六进制），例如 `/bytes ff fe 0a`（0a 是 \n）：没有发送任何内容

## netlab --help：每个命令的简介和每个参数的说明（src/help.rs、src/main.rs）
## id 由命令路径、`--` 和参数名组成：help-stage--port。每条消息都可以使用
## { $consoles }（带控制台的阶段）和 { $stages }（所有阶段的编号）。

help-usage = 用法：
help-heading = { $heading }：
help-heading-options = 选项
help-heading-arguments = 参数
help-heading-commands = 命令
help-default = [默认值：{ $value }]
help-possible = [可选值：{ $values }]
help--lang = 页面和说明使用的语言：zh（中文）或 en。不指定时由区域设置（locale）决定：取 LC_ALL、LC_MESSAGES、LANG 中第一个已设置的变量，以 zh 开头即为中文
help--help = 显示帮助
help--version = 显示版本
help-help = 显示这份帮助，或者指定子命令的帮助
help-help--subcommand = 要显示帮助的子命令
help-netlab =
    netlab：一篇套接字编程教程里的群聊服务端，按阶段重现，缺陷也一并保留。

    先用 `netlab stages` 列出各阶段，用 `netlab stage 3` 运行其中一个，用 `netlab client` 或 `nc 127.0.0.1 60000` 连接，再用 `netlab explain 3` 阅读说明。
help-stages = 列出教程的各个阶段：编号、简称、标题
help-stage = 运行一个阶段的服务端（第 { $consoles } 阶段带有 `>> ` 控制台：输入 `quit` 停止）
help-stage--stage = 要运行的阶段（`netlab stages` 会列出）
help-stage--host = 监听的地址。不是回环地址时，网络上的其他机器也能访问这个聊天室
help-stage--port = 监听的端口；0 表示让内核挑一个（打印在 `listening on ...` 这一行里）
help-stage--grace = `quit` 之后，对 Python 会永远等下去的那些线程最多再等多少秒，然后强行终止 [默认值：5]。只对第 { $consoles } 阶段有效：其他阶段没有 `quit`，指定了也会提示不起作用
help-stage--no-reuseaddr = 像笔记的代码那样绑定，不设置 SO_REUSEADDR：服务过客户端之后，大约 60 秒内无法再次绑定这个端口（TIME-WAIT）。netlab 默认会设置它，下一个阶段可以立即在同一端口启动；网络上传输的字节没有任何变化
help-stage--max-line = netlab 自己设计的阶段（第 8 阶段起）：客户端发来的一行最长多少字节 [默认值：65536]；超过时回复一行错误并断开这个客户端
help-stage--max-pending = netlab 自己设计的阶段：一个客户端最多可以积压多少字节待发数据，超过就视为不读数据并断开 [默认值：8388608，即 8 MiB]
help-stage--max-clients = netlab 自己设计的阶段：同时最多接受多少个客户端 [默认值：10240]；超出后新来的客户端会收到一行说明，随即被关闭
help-stage--view = 显示实时视图：线程、客户端字典、每个连接的字节数和内核队列、最近的消息，最下面一行是控制台（按 `?` 查看按键）。输出到管道或 TERM=dumb 时，netlab 会说明原因，改用普通输出
help-client = 运行教程里的聊天客户端（先发送 `I'm ready`，再发送你输入的每一行；在提示符下输入 `/help` 列出 netlab 的命令：/reset、/halfclose、/bytes、/flood）
help-client--host = 服务端的地址
help-client--port = 服务端的端口
help-client--solution = 运行某个练习的参考答案，而不是笔记里的客户端：`client.quit`
help-check = 用某个阶段的场景给一个聊天服务端评分，服务端用什么语言写都可以：`netlab check 4 -- python3 my_stage4.py {"{"}port{"}"}`
help-check--subject = 程序要通过哪个阶段的场景（`netlab stages` 会列出），或者哪个练习（`netlab exercises`）
help-check--port = 程序监听的端口，用于无法指定端口的程序（笔记的代码写死了 60000）。不指定时，netlab 每次运行都挑一个空闲端口，作为命令参数里的 `{"{"}port{"}"}` 和环境变量 `PORT` 传给程序
help-check--only = 只运行这个名字的场景
help-check--verbose = 显示每个场景的交互记录，而不只是失败场景的
help-check--json = 在标准输出上为每个场景打印一个 JSON 对象（阶段、场景、结果、第一处失败、备注），供老师的脚本使用；汇总打印到标准错误
help-check--watch = 每次保存 FILE（程序的源文件）都重新检查，直到按下 Ctrl-C
help-check--strict = 要求复现笔记程序的一切行为：它的缺陷、Python 特有的行为，以及每条消息的消息头的确切格式（`%Y%m/%d %H:%M:%S`），而不只是约定
help-check--jobs = 同时运行多少个场景，每个场景使用自己的程序实例 [默认值：CPU 核数，至少 2；指定 --port 时为 1]
help-check--fail-fast = 遇到第一个失败的场景就停止（已经在运行的场景会跑完）
help-check--log = 把每个场景完整的交互记录（包括程序的输出）写到 DIR/SCENARIO.log（报告里只显示长输出的开头和结尾）
help-check--timeout = 每一步最多等待多少秒，等不到预期的内容就算失败
help-check--start-timeout = 程序最多可以用多少秒开始监听
help-check--class = 检查全班的程序，每个学生一个：PATTERN 匹配的文件（请加引号：`--class 'students/*/server.py'`，由 netlab 展开），学生名取文件所在的文件夹名；命令里的 `{"{"}file{"}"}` 代表每个学生的程序。最后打印一张表，每个学生一行；只有全部学生都通过时退出码才是 0
help-check--report = 与 --class 一起用：把全班的报告写到 FILE.html，这个页面不依赖任何其他文件（所有交互记录都在里面，默认折叠）
help-check--command = 要检查的程序及其参数：`-- python3 my_stage4.py {"{"}port{"}"}`
help-bench = 并排测量几个聊天服务端：每秒送达次数、延迟、丢失、CPU 和内存：`netlab bench --stage 7 --stage 2 -- python3 my_stage7.py {"{"}port{"}"}`
help-bench--stages = netlab 的第 N 阶段（2 及以上），或者某个练习的参考答案（`7.slow`），每次运行都以 `netlab stage N` 重新启动。可以多次指定：`--stage 7 --stage 2`
help-bench--addrs = 已经在本机 HOST:PORT 上运行的聊天服务端（只限回环地址）。两次运行之间不会重启它：只有第一次运行时它是全新的
help-bench--clients = 要测量的班级人数，每个人数单独运行一次
help-bench--messages = 测量阶段每个客户端发送的消息数
help-bench--size = 每条消息的消息体字节数，不含换行符（至少 33：发送者、编号、发送时间和摘要）
help-bench--window = 闭环：每个客户端发出的消息，编号最多比自己已收回的最大编号超前 W 条 [默认值：8]
help-bench--rate = 开环：每个客户端每秒发送 R 条消息，不管收回了多少
help-bench--slow-readers = 其中 K 个客户端登记之后就不再读数据（也不发送）：就像某个学生的终端被暂停了
help-bench--slow-read-bps = 不读数据的客户端改为每秒读这么多字节
help-bench--reps = 每个服务端在每个班级人数下测量几次
help-bench--json = 把每次运行的数据和汇总以 JSON 格式写到 FILE
help-bench--plot = 把吞吐量和延迟随班级人数的变化画成图，写到 FILE（SVG）
help-bench--idle = 连续这么多秒既没有发送也没有送达，这次运行就结束
help-bench--deadline = 一次运行的测量阶段最长可以持续多少秒
help-bench--start-timeout = 服务端开始监听、再登记完整个班级的客户端，最多可以用多少秒
help-bench--name = 表格里 `--` 之后那个命令的名称 [默认值：命令本身，路径缩短为文件名]
help-bench--command = 要测量的聊天服务端及其参数；`{"{"}port{"}"}`（或 `$PORT`）是它的端口：`-- python3 my_stage7.py {"{"}port{"}"}`
help-exercises = 列出所有练习（每个缺陷都是一道修复题），以及你的进度
help-exercise = 显示一个练习：任务、要运行的命令，加 --hint 显示提示；加 --start 写出作为起点的程序
help-exercise--id = 练习的编号（`netlab exercises` 会列出）：`5.race`
help-exercise--hint = 显示提示，由浅入深
help-exercise--start = 写出作为起点的程序，即基础阶段的 Python 程序（与 `netlab source` 打印的相同），保存为 DIR/ID.py（不指定 DIR 时为当前目录），并打印接下来要运行的命令。文件已存在时不会改动它，除非加 --force
help-exercise--force = 与 --start 一起使用：ID.py 已存在时替换它
help-explain = 显示一个页面：某个阶段的页面（加了什么、保留了哪些缺陷、怎样观察每个缺陷）、客户端的、控制台的、某个演示的……不指定页面时列出所有页面。在终端上，页面会按终端排版，并通过分页器（$PAGER，或 less）显示
help-explain--page = 阶段编号（{ $stages }）、`client`，或者页面名（`console`、`demo-race`……）
help-explain--brief = 只显示第一屏：这一阶段加了什么、保留的缺陷，以及观察它的命令
help-explain--no-pager = 直接把页面打印到终端，不经过分页器
help-diff = 显示从一个阶段到另一个阶段改了什么：两个 Python 文件的统一格式差异（--rust：netlab 运行的 Rust 文件之间的差异），上方是两者在笔记里的标题（`netlab diff 4 5`、`netlab diff 7 client`、`netlab diff 5 5.race`）
help-diff--old = 改动前的程序：阶段编号、`client`，或者练习编号（它的参考答案）
help-diff--new = 改动后的程序：阶段编号、`client`，或者练习编号（它的参考答案）
help-diff--stat = 只显示摘要：增加和删除了多少行
help-diff--python = Python 程序，即课堂上输入并运行的版本（默认）
help-diff--rust = Rust 程序，即 netlab 运行的版本（`stages/*.rs`）
help-diff--color = 给差异着色：`auto` 在终端上着色（设置了 NO_COLOR 时除外），`always` 总是着色，`never` 从不着色
help-source = 打印一个阶段的程序：默认是 Python 版，即课堂上输入并运行的版本（`netlab source 4 > my4.py`）；加 --rust 则打印 netlab 运行的 Rust 版
help-source--entry = 阶段编号（{ $stages }）、`client`，或者练习编号（它的参考答案）
help-source--python = Python 程序，即课堂上输入并运行的版本（默认）
help-source--rust = Rust 程序，即 netlab 运行的版本（`stages/*.rs`）
help-demo = 现场实验：字典遍历竞态、两次绑定同一个端口、不读数据的客户端、客户端频繁上下线
help-demo-race = 一个线程遍历字典，另一个线程同时往里添加：Python 的 RuntimeError，以及加锁的效果
help-demo-race--locked = 在每次插入和每一整轮遍历外面加一把锁，运行 --seconds 秒，再与同样时长的不加锁脚本比较各项计数
help-demo-race--runs = 运行 N 次并打印表格：多少次出错，出错前经过的时间（最短、中位数、最长）
help-demo-race--seconds = 每次运行的时限（秒）。到时限仍未出错的运行记为“没有出错”（演示不会卡住）。加 --locked 时，每种写法各运行这么久
help-demo-bind = 两次绑定同一个端口，以及在 TIME-WAIT 之后重新绑定，分别设置和不设置 SO_REUSEADDR
help-demo-bind--port = 实验 1（两次绑定）使用的端口，例如笔记里的 60000。0（默认）表示让内核挑一个空闲端口。其他实验总是使用新的端口，所以演示不会在这个端口上留下 TIME-WAIT，可以立即再运行一次
help-demo-bind--clients = 实验 3 向两个设置了 SO_REUSEPORT 的监听套接字发起多少个连接
help-demo-slow = 一个不读数据的客户端：哪些阶段会整个卡死，哪些只卡住一个线程
help-demo-slow--stage = 要运行哪个阶段的服务端（`netlab stages` 会列出）
help-demo-slow--view = 在实时视图里观看（`netlab explain view`）：线程、锁、每个客户端的队列，以及实时的时间线；按 `q` 结束演示
help-demo-churn = 客户端频繁上下线，同时另一个客户端一直在发言：第 4、5 阶段的字典遍历竞态
help-demo-churn--stage = 要运行哪个阶段的服务端（`netlab stages` 会列出）
help-demo-churn--seconds = 客户端频繁上下线最多持续多少秒（大于 0，最多 60）。遇到第一个 RuntimeError 时演示会提前停止
help-ports = 列出 TCP 套接字（LISTEN；加 --all 还列出 ESTABLISHED 和 TIME-WAIT）以及持有每个套接字的进程，类似 `ss -tanp`
help-ports--port = 只保留本地端口或对端端口为 PORT 的套接字，类似笔记里的 `ss -tanl | grep 60000`
help-ports--all = 显示所有状态（ESTAB、TIME-WAIT……），类似 `ss -tan`；不加时只显示 LISTEN，类似 `ss -tanl`

## clap 的用法错误，按 clap 的格式排版（src/help.rs，Errors）

clap-error = 错误：
clap-tip = 提示：
clap-more = 更多信息请使用 '{ $help }'。
clap-conflict-repeated = 参数 '{ $arg }' 不能重复使用
clap-conflict-one = 参数 '{ $arg }' 不能与 '{ $other }' 同时使用
clap-conflict-many = 参数 '{ $arg }' 不能与下列参数同时使用：
clap-conflict-others = 参数 '{ $arg }' 不能与给出的其他参数同时使用
clap-no-equals = 给 '{ $arg }' 赋值时需要使用等号
clap-value-required = '{ $arg }' 需要一个值，但没有给出
clap-invalid-value = '{ $arg }' 的值 '{ $value }' 无效
clap-invalid-value-why = '{ $arg }' 的值 '{ $value }' 无效：{ $why }
clap-unknown-subcommand = 无法识别的子命令 '{ $name }'
clap-missing-arguments = 缺少下列必需的参数：
clap-missing-subcommand = '{ $name }' 需要一个子命令，但没有给出
clap-subcommands = [子命令：{ $values }]
clap-too-many-values = '{ $arg }' 多出了一个值 '{ $value }'：不需要更多的值
clap-too-few-values = '{ $arg }' 需要 { $min } 个值，只给出了 { $actual } 个
clap-wrong-number-of-values = '{ $arg }' 需要 { $expected } 个值，却给出了 { $actual } 个
clap-unknown-argument = 无法识别的参数 '{ $arg }'
clap-similar-subcommand = 有相近的子命令：{ $names }
clap-similar-argument = 有相近的参数：{ $names }
clap-similar-value = 有相近的值：{ $names }
clap-tip-escape = 要把 '{ $value }' 当作值传入，请写成 '{ $command }'

## 启动一个阶段（src/main.rs）

arg-not-an-address = { $text } 不是 IP 地址（试试 127.0.0.1 或 ::1）
arg-not-seconds = { $text } 不是 0 到 3600 之间的秒数
arg-port-tip = 端口要用 --port 指定：`{ $command }`
bench-no-binary = 找不到 netlab 自己的可执行文件：{ $error }
stage-not-loopback = { $host } 不是回环地址：任何能访问本机 { $port } 端口的人都能加入这个聊天室，也都能触发它的缺陷（崩溃、卡死）。上课请使用 --host 127.0.0.1。
stage-grace-unused = --grace { $grace } 对第 { $stage } 阶段不起作用：{ $why }。它只限定带控制台的阶段（{ $stages }）在 `quit` 之后等待多久。
stage-limits-ignored = --max-line、--max-pending 和 --max-clients 对第 { $stage } 阶段不起作用：笔记里的服务端没有这些限制（这正是它们的缺陷之一）；只有 netlab 自己设计的阶段才有。
stage-no-quit-script = 这个脚本服务完两个客户端后会自行结束
stage-no-quit-forever = 它没有控制台，也没有 stop()；一个信号就能让它立即结束
start-failed = 无法在 { $addr } 上启动第 { $stage } 阶段：{ $error }
start-cannot-listen = 无法在 { $addr } 上监听：{ $errno_name }（{ $errno }），{ $strerror }：{ $hint }
errno-EADDRINUSE = 地址已被占用
errno-EACCES = 权限不足
errno-EADDRNOTAVAIL = 无法使用所请求的地址
start-port-root = 1024 以下的端口需要 root 权限。{ $next }
start-not-here = 这个地址不在本机上：请使用 127.0.0.1（或 ::1）
start-other = 试试 --port 0，或者换一个 --host
port-listening-holders = 已经有另一个服务端在那里监听：{ $holders }
port-listening = 已经有另一个服务端在那里监听（另一个 netlab？用 `netlab ports --port { $port }` 可以看到它）
port-time-wait-no-reuse = 端口 { $port } 上，上一次运行留下的 { $n } 个连接处于 TIME-WAIT 状态（`netlab ports --all --port { $port }` 可以列出）：这些连接是服务端主动关闭的，内核会保留它们约 60 秒；而加了 --no-reuseaddr 后，这个阶段和笔记的代码一样不设置 SO_REUSEADDR，在这些连接消失之前无法绑定。请等大约一分钟，或者去掉 --no-reuseaddr：netlab 会设置 SO_REUSEADDR，只要上一次运行也设置了它（netlab 的各阶段都会设置，除非加了 --no-reuseaddr），就能顺利绑定
port-time-wait = 端口 { $port } 上，上一次运行留下的 { $n } 个连接处于 TIME-WAIT 状态（`netlab ports --all --port { $port }` 可以列出）。留下它们的服务端没有设置 SO_REUSEADDR（笔记里的 Python 代码，或者加了 --no-reuseaddr 的 netlab）；只在新套接字上设置 SO_REUSEADDR 绕不过它们（`netlab demo bind`，实验 2b）。请等大约一分钟
port-unknown = 已经有另一个服务端在那里监听（另一个 netlab？），或者上一次运行的连接还在关闭过程中（`netlab ports --all` 可以列出，`netlab demo bind` 解释原因）
port-unknown-holders = 没有当前用户能看到的程序在那里监听，但这个端口并不空闲：{ $holders }
port-ephemeral = 端口 { $port } 落在 { $low }-{ $high } 这个范围里，Linux 从这个范围里为每个向外发起的连接分配本地端口（/proc/sys/net/ipv4/ip_local_port_range），而现在另一个程序的连接正占着它：{ $holders }。连接在存续期间一直占着这个端口，关闭后还会再占最多一分钟（TIME-WAIT），与 SO_REUSEADDR 无关；{ $low } 以下的端口永远不会这样被占用
port-holders-unknown = `netlab ports --all --port { $port }` 可以列出它
port-time-wait-program = 端口 { $port } 上，上一次运行留下的 { $n } 个连接处于 TIME-WAIT（时间等待）状态（`netlab ports --all --port { $port }` 可以列出）：这些连接是程序主动关闭的，内核会保留它们约 60 秒；不设置 SO_REUSEADDR 的服务端（笔记里的服务端都不设置）在这些连接消失之前无法绑定这个端口
port-why-and-what-to-do = { $why }。{ $next }
port-try-make = 用 `PORT=61001 make run` 换一个端口，或者用 `PORT=0 make run` 让内核挑一个（不用 make 时：`netlab stage 7 --port 0`）
port-try = 换一个 --port，或者用 --port 0 让内核挑一个

## 为 netlab check 和 netlab bench 启动程序（src/program）

launch-no-free-port = 在 127.0.0.1 上找不到空闲端口：{ $error }
launch-spawn = 无法启动 `{ $command }`：{ $error }
launch-hint-not-found = `{ $program }` 安装了吗？它在 PATH 里吗？
launch-hint-command = 请检查 `--` 后面的命令
launch-exited = `{ $command }` 在 { $addr } 上开始监听之前就结束了（{ $status }）
launch-timed-out = 启动 `{ $command }` 后 { $seconds } 秒内，{ $addr } 上没有任何程序监听
launch-elsewhere = `{ $command }` 在 { $other } 上监听，而不是在分配给它的地址 { $addr } 上
launch-port-unusable = 端口 { $port } 无法使用
launch-status-code = 退出码 { $code }
launch-status-signal = 被信号 { $signal } 杀死
launch-status-ended = 已结束
launch-port-from = 请从命令行或环境变量读取端口：把笔记 `__init__` 里的端口改成 `port=int(__import__('os').environ.get('PORT', 60000))`，只需改这一行（`netlab explain check`）
launch-hint-elsewhere = 程序在 { $other } 上监听：它是不是绑定了别的端口，而没有用分配给它的那个？{ $port_from }
launch-hint-other-port-in-use = 程序报告地址已被占用，可分配给它的端口明明是空闲的：它绑定的真是分配给它的端口吗？{ $port_from }
launch-hint-output-above = 它的输出见上文
launch-hint-silent = 程序什么也没有输出：它有没有在分配给它的端口上调用 bind() 和 listen()？如果它启动很慢（要先编译），请用 --start-timeout 多给它一些时间
launch-hint-taken = netlab 挑选的 { $attempts } 个空闲端口，每一个都在程序绑定之前被别的程序占用了；最后一个：{ $why }
launch-fixed-port-remedy = 请先让它空出来，或者换一个 --port（低于 { $low }，这里的端口不会被连接占用），或者去掉 --port：netlab 会为每次运行挑一个空闲端口，程序从参数里的 {"{"}port{"}"} 或环境变量 $PORT 读取它（`netlab explain check` 给出只需改一行的做法）
launch-waiting-port = 正在等待端口 { $port } 重新空出来（最多 { $seconds } 秒）：上一次运行中有 { $n } 个连接由程序主动关闭，正处于 TIME-WAIT（时间等待）状态
launch-waiting-port-why = 正在等待端口 { $port } 重新空出来（最多 { $seconds } 秒）：{ $why }
launch-fixed-port-notice = netlab check：使用 --port { $port } 时，每个场景都要等这个端口能再次绑定后才开始。你的程序主动关闭连接时（从第 4 阶段起，客户端发送 `quit`），这个端口会在 TIME-WAIT 状态停留 60 秒，所以这 { $n } 个场景最多可能要花大约 { $minutes } 分钟。在命令里写上 {"{"}port{"}"} 或读取 $PORT，每个场景都会立即在一个空闲端口上运行（`netlab explain check`）
check-program-label = 你的程序
check-port-taken = netlab check：端口 { $port } 已被占用：{ $why }。{ $remedy }
program-left-running = 你的程序留下了 { $n } 个仍在运行的进程：{ $processes }，已将其结束
check-after-scenario = netlab check，{ $scenario } 之后：{ $report }
bench-after-run = netlab bench，{ $what }之后：{ $report }
bench-addr-closed = netlab bench：{ $addr } 上没有任何程序监听：请先启动那个服务端（在另一个终端里运行 `netlab stage 7 --port { $port }`），或者让 netlab 为每次运行启动一个（--stage N，或者 `--` 后面的命令）
## netlab bench（src/bench）

bench-line = netlab bench：{ $text }
bench-arg-addr = { $text } 不是 HOST:PORT 格式（例如 127.0.0.1:61000）
bench-arg-not-loopback = { $addr } 不在本机上：基准测试只对回环地址上的服务端施加负载（127.0.0.0/8、::1）
bench-arg-clients = { $text } 不是 1 到 { $max } 之间的班级人数
bench-arg-size = { $text } 不是 { $min } 到 1048576 字节之间的消息体大小
bench-arg-rate = { $text } 不是每秒消息数
bench-nothing = netlab bench：没有可测量的服务端：请给出 --stage N、--addr HOST:PORT，或者在 `--` 后面给出一条命令（`netlab bench --stage 7 --stage 2`）
bench-no-sender = netlab bench：--slow-readers { $slow } 让 { $smallest } 人的班级里没有客户端负责发送
bench-interrupted = netlab bench：已中断；它启动的服务端都已停止
bench-not-a-chat-server = 第 { $id } 阶段不是聊天服务端：它依次服务两个客户端后就退出。请测量第 2 阶段及以后的阶段
bench-progress-runs = 次运行，
bench-progress-deliveries = { $what }：已送达 { $delivered }/{ $expected } 次
bench-run-what = { $server }，{ $clients } 个客户端，第 { $rep }/{ $reps } 次运行
bench-run-done = { $what }：每秒送达 { $rate } 次，p99 { $p99 } 毫秒，丢失 { $lost }，{ $ended }
bench-run-failed = { $what }：没有测到：{ $why }
bench-failed-because = { $error }；{ $why }
bench-plan = { $servers }，{ $clients } 个客户端{ $slow }；每个客户端发送 { $messages } 条 { $size } 字节的消息，{ $pace }；每组运行 { $reps } 次，交替进行；{ $cores } 个 CPU 核
bench-versus = {" 对比 "}
bench-pace-window = 窗口 { $window }
bench-pace-rate = 每个客户端每秒 { $rate } 条消息（开环）
bench-slow-none = ，其中 { $k } 个不读数据
bench-slow-bps = ，其中 { $k } 个每秒只读 { $bps } 字节
bench-wrote = 已写入 { $file }
bench-drew = 已绘制 { $file }
bench-cannot-write = 无法写入 { $file }：{ $error }
bench-cannot-draw = 无法绘制 { $file }：{ $error }
bench-nothing-measured = 没有测到任何一次运行
bench-no-rlimit = 无法读取打开文件数的上限（RLIMIT_NOFILE）
bench-rlimit = 打开文件数的上限是 { $soft }（硬上限 `ulimit -Hn` 是 { $hard }），少于这个班级需要的 { $needed }；要测量更多客户端，请提高硬上限（以 root 身份，或者在 /etc/security/limits.conf 里）
bench-fail-connect = 客户端 { $client } 无法连接：{ $why }
bench-fail-unregistered = 没能登记完整个班级：{ $seconds } 秒后，{ $clients } 个客户端中只有 { $complete } 个收到了所有客户端的同步行（服务端没有把每一行广播给每个客户端，或者丢掉了一些客户端）
bench-fail-io = 基准测试的事件循环出错：{ $why }
bench-server-ended = 服务端在运行过程中结束了（{ $status }）{ $tail }
bench-last-lines = ；它最后输出的几行：
    {"    "}{ $lines }
bench-ended-complete = 完成
bench-ended-idle = 空闲超时
bench-ended-deadline = 到达时限
bench-ended-closed = 连接被关闭
bench-not-measured = 没有测到
bench-col-server = 服务端
bench-col-clients = 客户端数
bench-col-rate = 每秒送达 [最低-最高]
bench-col-p50 = p50 毫秒
bench-col-p90 = p90 毫秒
bench-col-p99 = p99 毫秒 [最低-最高]
bench-col-max = 最大 毫秒
bench-col-lost = 丢失
bench-col-dup = 重复
bench-col-late = 乱序
bench-col-garbled = 损坏
bench-col-server-cpu = 服务端 CPU 秒
bench-col-server-mib = 服务端 MiB
bench-col-bench-cpu = 基准测试 CPU 秒
bench-col-run = 耗时 秒
bench-col-ended = 结束方式
bench-one-run-each = 每组运行一次
bench-median-of = { $reps } 次运行的中位数，[最低-最高]
bench-legend = { $each }；延迟指从发送到收到的时间；乱序即到达顺序颠倒；服务端 CPU 和基准测试 CPU 只统计测量阶段；耗时指测量阶段的实际耗时（墙钟时间）
bench-note-busy = { $server }，{ $clients } 个客户端：基准测试在运行中有 { $percent } % 的时间在忙（！）：决定速度的可能是它自己，而不是服务端
bench-note-slow-cut = { $server }，{ $clients } 个客户端：每次运行都断开了 { $n } 个不读数据的客户端
bench-note-closed = { $server }，{ $clients } 个客户端：运行中关闭了最多 { $n } 个客户端的连接
bench-note-lost = { $server }，{ $clients } 个客户端：丢失了 { $percent } % 的送达（各次运行的中位数）
bench-note-not-measured = { $server }，{ $clients } 个客户端：{ $runs } 次运行中有 { $n } 次没有测到：{ $why }
bench-plot-rate = 每秒送达次数
bench-plot-latency = 延迟（毫秒）：p50（实线），p99（虚线）
bench-plot-clients = 客户端数

## 各演示共用的行（src/demo/mod.rs）

demo-cannot-start = 无法启动第 { $stage } 阶段：{ $error }
demo-at = +{ $seconds } 秒

## netlab demo race（src/demo/race.rs）

race-header = netlab demo race：在一个按 Python 语义实现的字典上运行笔记中的竞态演示脚本（多线程读写出错的代码），
    不加锁，每次最多运行 { $limit }。
race-forever = （一直循环）
race-not-seconds = { $text } 不是大于 0、不超过 3600 的秒数
race-col-run = 第几次
race-col-after = 出现 RuntimeError 的时间
race-col-items = 本轮已访问项
race-col-keys = 字典中的键
race-col-passes = 此前遍历轮数
race-no-failure-in = { $limit }内没有出错
race-col-time-to-failure = 出错前经过的时间
race-col-failed = 出错次数
race-col-min = 最短
race-col-median = 中位数
race-col-max = 最长
race-failed-of = { $failed }/{ $runs }
race-python-row = Python（§7）
race-col-variant = 写法
race-col-errors = 出错次数
race-col-pass-count = 遍历轮数
race-col-keys-added = 添加的键
race-col-items-visited = 访问的项
race-col-longest-wait = 最长等待
race-locked = 加锁
race-unlocked = 不加锁
race-unlocked-restarted = 不加锁，出错后重启
race-died = iterdict 在开始后 { $after }因异常退出，这一轮遍历此时已访问了 { $items } 项；
    此前它完成了 { $passes } 轮遍历，字典里有 { $keys } 个键。
race-no-failure = { $limit }内没有出现 RuntimeError（遍历了 { $passes } 轮，添加了 { $keys } 个键）：请用更长的 --seconds 再试。
race-python-says =
    Python（python-originals §7，25 次运行）：每次都出现同样的 RuntimeError，出错前访问了 1～17 项
    （25 次中有 22 次是 1 项）；其中 22 次出错时距进程启动 38～98 毫秒（另外 3 次是 0.35、0.82、0.93 秒）。
    Python 的计时包含解释器的启动时间；而且它的 iterdict 会先花几毫秒打印
    `--- Logging error ---`（笔记里的 `logging.info(k,v)` 写错了），这期间 additem 一直在添加键；
    netlab 不为每一项记录日志。
race-rustc-says =
    用 Rust 写原来的代码：两个线程不加锁地共享一个普通的 HashMap，根本编译不过。rustc 报错：
      error[E0499]: cannot borrow `global_dict` as mutable more than once at a time
    两个线程都要持有这个字典的 `&mut`，而 `&mut` 意味着独占，所以借用检查器拒绝编译
    （改用 `Arc` 共享则报 E0596：Arc 只给出 `&`）。能通过编译的写法是用 Mutex 把字典包起来，
    并在持有锁期间完成遍历：见 --locked。
race-locked-says =
    加锁后：没有一轮遍历出错，因为遍历持有锁期间，additem 无法改变字典的大小。代价是等待：
    additem 要等一轮遍历结束，iterdict 要等每一次插入完成。把“添加的键”一栏与不加锁的那一行对比：
    不加锁时 additem 只是在睡眠（每次 sleep(0.001) 略多于 1 毫秒），加锁那一行少掉的就是等锁的时间。
    std 的 Mutex 不保证公平，所以 iterdict 常常抢在被唤醒的 additem 之前再次拿到锁：
    “最长等待”一栏显示 additem 最长被挡在外面多久。
race-locked-header = netlab demo race --locked：在竞态演示脚本的每次插入和每一整轮遍历外面加上 `with lock:` 运行，
    再不加锁运行（每次 RuntimeError 之后换一个新的 iterdict 接着运行），各运行 { $limit }。

## netlab demo slow（src/demo/slow.rs）

slow-stage1 = netlab demo slow --stage 1：第 1 阶段一次只服务一个客户端，也不广播，所以即使有客户端不读数据，也拖不住别的客户端。试试 --stage 2（只有一个线程卡住）或 --stage 7（整个服务端卡死）。
slow-intro = netlab demo slow --stage { $stage }：第 { $stage } 阶段（{ $summary }）运行在 { $addr }。
    A 不停地发送长行，C 从不读数据，B 和 D 是普通客户端；随后 B 发言，E 加入。
slow-view-title = demo slow · 第 { $stage } 阶段
slow-stuck = 运行结束时卡住的服务端线程：
slow-kept-up = 聊天照常进行。{ $stage ->
        [9] 第 9 阶段从不阻塞：一个循环把每条消息放进每个客户端的输出缓冲区，等套接字可写时再发出去
       *[other] 第 { $stage } 阶段把每条消息放进每个客户端的发送队列（outbox），由每个客户端自己的写线程在锁外发送
    }：A 发送了 { $mb } MB，B 和 E 的消息都送到了每个读数据的客户端；不读数据的 C 积压超过上限后被断开。（测试 stage{ $stage }_slow_reader_freezes_no_one；练习 7.slow。）
slow-no-stall = 服务端一直在读取 A，共读了 { $mb } MB：这次运行没有填满 C 的缓冲区，所以看不出问题。（什么时候卡住，取决于内核的缓冲区大小。）
slow-frozen = 整个服务端卡死了。第 { $stage } 阶段在持有 self.lock 时发送每一条广播；A 的线程持有这把锁，flush() 在等 C 读取，而 C 永远不读。B 的线程在等这把锁，accept 线程也在等，所以 E 虽然已被内核接受连接，却永远得不到服务。一个不读数据的客户端，让所有人的聊天都停了。（python-originals §9；测试 stage{ $stage }_slow_reader_freezes_everyone。）
slow-stalled = 只有发送消息的线程卡住了。第 { $stage } 阶段的广播不加锁，所以只有 A 的线程卡在发给 C 的 send() 里，其他线程照常运行：B 和 E 的消息送到了字典里排在 C 前面的客户端。（小消息也许还能放进 C 的发送缓冲区；放不下时，那个发送者的线程也会卡在 C 上：上面的列表显示了哪些线程卡住了。）聊天还能继续，代价是每个发送者都泄漏一个卡住的线程。（python-originals §4、§8；测试 stage{ $stage }_slow_reader_stalls_only_the_sender。）
slow-mixed = 结果不一：B 的消息{ $delivered }，E { $served }。上面的时间线说明了各自发生的时间。
slow-delivered = 送到了
slow-not-delivered = 没有送到
slow-served = 得到了服务
slow-not-served = 没有得到服务

slow-connect = A（{ $a }）、B（{ $b }）和 D（{ $d }）连接并读取数据；C（{ $c }）最后连接，接收缓冲区 4 KB，从不读取
slow-flood-starts = A 开始发送每行 { $size } 字节的数据，服务端收多快就发多快
slow-flood-stalled = A 发了 { $mb } MB 之后就发不动了：服务端不再读取 A（负责 A 的线程卡在向 C 发送上）
slow-flood-read = A 发了 { $mb } MB，服务端一直在读
slow-b-sends = B 发送 "hello from B"
slow-b-delivered = B 的消息送到了 B 和 D
slow-b-lost = B 的消息在 { $seconds } 秒内谁也没有收到
slow-e-sends = 新客户端 E 连接并发送 "hello from E"
slow-e-served = E 得到了服务：B 和 D 收到了它的消息
slow-e-not-served = E 没有得到服务：{ $seconds } 秒内没有收到 E 的任何消息

## netlab demo churn（src/demo/churn.rs）

churn-stage1 = netlab demo churn --stage 1：第 1 阶段一次只服务一个客户端，也没有客户端字典，所以客户端频繁上下线也不会引发竞态。试试 --stage 5（有竞态）或 --stage 7（没有竞态）。
churn-intro = netlab demo churn --stage { $stage }：第 { $stage } 阶段（{ $summary }）运行在 { $addr }。
    A 发一行，等 1 毫秒，再发一行，如此反复；6 个客户端不断地连接、发“hi”、发“quit”、等待连接关闭，然后重来。
    遇到第一个 RuntimeError 时停止，否则 { $seconds } 秒后停止。
churn-start = A 连接并开始发言；客户端开始频繁上下线
churn-dies = 线程 { $thread }{ $whose }因异常退出：{ $exception }{ $where }
churn-where = ，出错位置：{ $file } 第 { $line } 行：{ $code }
churn-not-seconds = { $text } 不是大于 0、不超过 60 的秒数
churn-whose-a = （A 的）
# 不是 A 的线程：线程名和“因异常退出”之间的空格。
churn-whose-other = {" "}
churn-done-race = 结束：有一个线程因竞态异常退出；频繁上下线的客户端跑完了这一轮，A 也等到了它的最后几行
churn-done-time = 结束：客户端频繁上下线持续了 { $seconds } 秒；之后 A 等待它的最后几行（最多 2 秒）
churn-more-deaths = ……另外还有 { $n } 个线程异常退出
churn-summary = { $seconds } 秒内共 { $connections } 个连接。A 发送了 { $sent } 行，收回 { $echoed } 行。异常退出的服务端线程：{ $deaths } 个（其中 { $races } 个因竞态退出）。
churn-race = 字典遍历竞态。一个线程正在广播、遍历 self.clients，这时 accept 线程添加了一个客户端，或者另一个线程弹出了一个：字典在循环过程中改变了大小，Python 就在这里抛出 RuntimeError（`netlab demo race` 用笔记自己的脚本演示了同样的错误）。{ $lock }
churn-lock-5 = 第 5 阶段在添加和弹出客户端时获取 self.lock，遍历客户端的循环却没有加锁：锁只保护获取了它的代码。笔记正是为了这个竞态才加的锁，可竞态依然存在（python-originals §8；测试 stage5_dict_changed_size_under_churn）。
churn-lock-4 = 第 4 阶段根本没有锁（python-originals §6；测试 stage4_dict_changed_size_under_churn）；第 5 阶段的锁也没有覆盖这个循环（`netlab demo churn --stage 5`）。
churn-lock-other = 第 { $stage } 阶段的广播循环也没有加锁。
churn-others = 还有服务端线程因其他异常退出：{ $classes }。
churn-others-only = 没有 RuntimeError，但有服务端线程因其他异常退出：{ $classes }。
churn-class = { $n } 个 { $class }
churn-cascade = 第 { $stage } 阶段不会移除离开的客户端：每个关闭连接的客户端都留在 self.clients 里，下一次广播向它已关闭的套接字发送时，广播的线程就会异常退出。这就是 `netlab explain 2` 所说的连锁反应。
churn-a-died = A 自己的线程也在异常退出的线程之中：此后 A 发送的任何内容都不会被读取，所以它发出的 { $sent } 行只收回了 { $echoed } 行。
churn-a-died-after = A 自己的线程也异常退出了，不过是在它的最后一行收回之后：此后 A 再发送的任何内容都不会被读取。
churn-stage6-fixes = 第 6 阶段在整个广播外面持有锁，竞态就消失了：`netlab demo churn --stage 6`。
churn-see-stage5 = 要看竞态本身，最好选会移除离开客户端的阶段：`netlab demo churn --stage 5`。
churn-no-race-yet = 这次 { $seconds } 秒内没有出现 RuntimeError。只有添加或弹出恰好发生在广播循环当中，竞态才会出现，而这个窗口只有几微秒，所以要多久才出现取决于机器和它的负载。再运行一次，或者运行更久：`netlab demo churn --stage { $stage } --seconds 30`。
churn-no-death = 没有线程退出，A 的 { $sent } 行全部收回。第 { $stage } 阶段只在持有 self.lock 时遍历 self.clients，而添加和弹出客户端也要获取这把锁，所以字典不会在循环过程中改变大小（python-originals §9；测试 stage{ $stage }_no_dict_race_under_churn）。持有锁去发送的代价：见 `netlab demo slow`。
churn-no-death-lines = 没有线程退出，但 A 的 { $sent } 行只收回了 { $echoed } 行：最后几行可能在演示停止等待之前还没有到达。

## netlab demo bind（src/demo/bind.rs）

bind-title = 两次绑定同一个监听端口会怎么样？
bind-rows = 每一行都是在 127.0.0.1 上真实执行的 bind() 和 listen()；结果一栏就是它们的返回值。
bind-no-time-wait = 实验 2：{ $seconds } 秒内 /proc/net/tcp 里没有出现 TIME-WAIT 的行。
bind-time-wait = 实验 2 中是服务端主动关闭的连接；`ss -tan` 显示它们留下了什么：
bind-means = 这说明：
bind-col-experiment = 实验
bind-col-port = 端口
bind-col-old = 旧套接字
bind-col-new = 新套接字
bind-col-outcome = 结果
bind-no-old = （无）
bind-ok = 成功
bind-outcome-note = { $outcome }：{ $note }
bind-what-1 = 另一个套接字正在监听时绑定
bind-what-both = 同上，两个都设置 SO_REUSEADDR
bind-what-2a = TIME-WAIT 期间重启
bind-what-new = 同上，只在新套接字上设置 SO_REUSEADDR
bind-what-old = 同上，只在旧套接字上设置 SO_REUSEADDR
bind-what-3 = 两个监听套接字共用一个端口
bind-what-4 = 绑定端口 0
bind-note-shared = 旧的接受了 { $old } 个连接，新的接受了 { $new } 个（共 { $clients } 个）
bind-note-short = ；{ $wait } 内只到达了 { $total } 个
bind-note-picked = 内核挑了端口 { $port }
bind-port-taken = 无法在 127.0.0.1:{ $port } 上为实验 1 监听：{ $error } { $strerror }。已经有程序占用了这个端口（这正是演示要回答的问题）；`netlab ports --all --port { $port }` 可以查看是谁。换一个 --port，或者不指定它，使用一个新端口
bind-err-fresh-port = 无法在新端口上监听
bind-err-connect = 无法连接到 { $addr }
bind-err-no-close = 客户端没有看到服务端关闭连接
bind-err-data = 服务端没有发送任何数据，客户端却收到了数据
bind-err-no-accept = { $seconds } 秒内没有可以 accept 的连接
bind-err-accept = accept() 失败
bind-err-proc = 无法读取 /proc/net/tcp
bind-refused-ok = 成功了，而 Linux 通常不允许这样
bind-refused-errno = 失败，错误是 { $error }，Python 抛出的是 `OSError: [Errno { $errno }] { $strerror }`
bind-refused-other = 失败：{ $error }
bind-point-1 = 1：一个端口，一个监听套接字。第二次 bind() { $refused }。SO_REUSEADDR（地址复用，常被笼统地叫作“端口复用”）改变不了这一点（1b）；只有 SO_REUSEPORT（真正的端口复用）能让两个套接字监听同一个端口（3）。
bind-point-2 = 2：主动关闭连接的一方，会让这个连接在 TIME-WAIT（时间等待）状态停留约 60 秒（实测 61～62 秒，见 python-originals §10），这期间它的端口无法绑定（2a）。只在新套接字上设置 SO_REUSEADDR 没有用（2b）：旧的监听套接字必须在它的连接进入 TIME-WAIT 之前就设置了它（2c），新的也必须设置（2d）。
bind-point-3 = 3：每个监听套接字都设置了 SO_REUSEPORT 时，内核把每个新连接交给其中一个（按客户端地址和端口的哈希值分配）。
bind-point-4 = 4：端口 0 让内核挑一个空闲端口，上面这些问题就都绕开了：`netlab stage 1 --port 0`。
bind-point-5 = 教程的代码不设置 SO_REUSEADDR，所以它的服务端服务过客户端之后，端口会被占住大约一分钟（2a）。netlab 的各阶段在每个监听套接字上都设置了它（2c），所以下一个阶段能立即绑定同一个端口；加上 `--no-reuseaddr`，它们就像笔记的代码那样运行。`netlab ports --all --port { $port }` 会显示实验 2a 留下的 TIME-WAIT 连接，直到它们消失。

## netlab ports（src/ports.rs）

ports-none-tcp = netlab: 没有 TCP 套接字
ports-none-tcp-port = netlab: 没有端口为 { $port } 的 TCP 套接字
ports-none-listening = netlab: 没有正在监听的套接字（加 --all 还会显示 ESTAB 和 TIME-WAIT 状态的连接）
ports-none-listening-port = netlab: 端口 { $port } 上没有正在监听的套接字（加 --all 还会显示 ESTAB 和 TIME-WAIT 状态的连接）
ports-not-free = ；不过这个端口并不空闲：{ $what }
ports-bad-line = 不是 /proc/net/tcp 的行：{ $line }
ports-no-proc = 无法读取 /proc/net/tcp：`netlab ports` 需要 Linux 的 /proc（在其他系统上，试试 `netstat -an`）
# 端口被谁占用：ports::holders 的各个短语，用分隔符连接。
ports-owner = 进程 { $pid }（{ $name }）
ports-connections = { $n } 个连接
ports-holder-listens = { $who }正在监听 { $addr }
ports-holder-unknown-listens = 另一个用户的程序正在监听 { $addr }（`sudo ss -tlnp` 可以查到是哪个程序）
ports-holder-has = { $owner }在端口 { $port } 上有 { $connections }（{ $states }）
ports-holder-other-user = 另一个用户的程序有 { $connections }处于 { $state } 状态
ports-holder-no-process = { $connections }处于 { $state } 状态（不属于任何进程；{ $when }）
ports-when-time-wait = 约 60 秒后消失
ports-when-kernel = 内核会自行处理完
ports-holders-separator = {"；"}

## netlab check：每个场景展示什么（src/scenario/library.rs）
scenario-serves_clients_in_accept_order = 第 1 阶段一次只服务一个客户端，按 accept 的先后顺序：先说话的 B 也要等 A 服务完
scenario-reset_kills_the_server = 第 1 阶段里的一个异常就让整个服务端退出：一个客户端在发送前复位（RST），B 就永远得不到服务
scenario-unread_bytes_make_a_reset = 第 1 阶段读 1024 字节就关闭连接；还有 3976 字节没读，内核在欢迎语之后用 RST 回应
scenario-silent_client_still_gets_its_welcome = 客户端不发送就关闭：recv() 返回 b''，第 1 阶段照样向已关闭的对端发送欢迎语，也不报错
scenario-broadcasts_to_everyone = 每条消息都发给每个客户端（包括发送者自己），前面是消息头：时间和发送者的地址
scenario-utf8_goes_through = 网络上传输的文本是 UTF-8：“你好”是六个字节，原样发回
scenario-header_has_the_notes_format = 消息头里的时间按笔记的写法 %Y%m/%d %H:%M:%S（202611/25 16:35:53：年和月连写，日前面一个斜杠），用本机的本地时间；其他场景接受任何格式的日期和时间
scenario-quit_is_just_text = 第 4 阶段之前 `quit` 没有特殊含义：像普通文本一样广播，客户端也不会离开
scenario-long_line_is_cut_every_1024_bytes = 一次 recv(1024) 不等于一条消息：5000 字节变成五条广播，之后单独到达的换行符又是第六条
scenario-closed_first_client_gets_one_empty_broadcast = 第 2 阶段察觉不到客户端已经关闭：B 收到一条空广播，随后 A 的线程因管道断开（BrokenPipeError）异常退出
scenario-closed_second_client_gets_two_empty_broadcasts = 第二个客户端关闭时，第一个客户端会先收到两条空广播，然后那个线程才异常退出
scenario-dead_client_kills_later_senders = 已关闭的客户端留在字典里，之后每个发送者的线程都在向它发送时异常退出：聊天室对所有人都瘫痪了
scenario-half_closed_client_spins = 半关闭之后 recv() 一直返回 b''：空广播在忙循环里不断发出，直到 netlab 把它停下
scenario-two_lines_in_one_recv_are_one_message = 一次发出的两行在一次 recv() 里到达，作为一条消息发出
scenario-split_line_is_two_messages = 分两次到达的一行作为两条消息发出
scenario-character_cut_at_1024_kills_the_thread = 一个汉字在第 1024 字节处被截断，无法解码：UnicodeDecodeError 使线程异常退出，谁也收不到
scenario-invalid_utf8_kills_only_that_thread = 非法 UTF-8 使发送者的线程异常退出；它留在字典里，仍然能收到消息，但再也没有人读它发来的数据
scenario-reset_client_kills_later_senders = 复位（RST）让 recv() 抛出 ConnectionResetError，而不是返回 b''：客户端留在字典里，之后每个发送者的线程都因它异常退出
scenario-quit_removes_the_client = 从第 4 阶段起，`quit` 会移除客户端：不广播，服务端记一行日志并关闭连接
scenario-blank_line_disconnects = strip() 把空行变成 ''，和客户端关闭时一样：发一个空行就会被断开
scenario-closed_client_is_removed = 从第 4 阶段起，关闭的客户端被正常移除：没有空广播，聊天继续
scenario-half_closed_client_is_removed = 从第 4 阶段起，半关闭的客户端立即被移除：它收到 EOF，也没有空转
scenario-quit_is_matched_after_strip = `quit` 在 strip() 之后按每次 recv() 比较：带空格和 CRLF 仍然算退出，和别的行粘在一起的 `quit` 不算
scenario-long_line_then_newline_disconnects = 5000 字节分五段发出；结束这一行的换行符单独在一次 recv() 里，strip() 之后是 ''，于是断开了连接
scenario-lines_are_framed_by_newline = makefile().readline() 按行分帧（以换行符为消息边界）：一行分两次到达也作为一条消息发出，CRLF 变成 LF
scenario-every_line_is_delivered = 一个报文段里的两行是两条消息；netlab 两条都送达（CPython 的 makefile 可能丢掉第二行：`netlab explain cpython-quirks`）
scenario-long_line_is_one_message = 5000 字节的一行等到换行符才整行发出
scenario-ten_megabyte_line_goes_through = 10 MB 的一行先缓存到换行符，再整行广播给所有人
scenario-chinese_line_is_one_message = 按行读取时整行解码，所以跨报文段边界的汉字没有问题
scenario-last_line_without_newline = 客户端关闭时，没有换行符的最后一行也会发出，后面只跟一个 \n
scenario-quit_is_matched_per_line = `quit` 在 strip() 之后按行比较：另一行之后单独一行的 `quit` 会退出；没有换行符的 `quit` 要等
scenario-reset_is_handled = 第 7 阶段捕获了复位：记录错误，移除客户端，聊天继续
scenario-line_over_the_limit_kills_the_thread = 超过 netlab 64 MiB 上限的一行使 readline() 抛出 ValueError：第 6 阶段不捕获，发送者的线程异常退出，它留在字典里
scenario-line_over_the_limit_is_refused = 超过 netlab 64 MiB 上限的一行被拒绝：第 7 阶段记录错误并移除发送者
scenario-invalid_utf8_is_handled = 第 7 阶段捕获了解码错误：记录下来并移除这个客户端，它收到 EOF；聊天继续
scenario-quit_waits_for_blocked_threads = quit 关闭了所有套接字，但阻塞的线程不会醒来，客户端也察觉不到任何变化；要等每个客户端自己发来一行或断开连接，它对应的线程才会醒
scenario-quit_ends_when_the_last_client_leaves = 从第 4 阶段起，quit 之后关闭的客户端走正常退出的分支；最后一个阻塞的线程结束时，程序才结束
scenario-quit_blocks_in_stop = stop() 拿着锁在 f.close() 里等每个客户端的 readline()：新来的客户端也得等这把锁
scenario-quit_with_idle_clients_is_cut_short = quit 之后，空闲的客户端什么也察觉不到：Python 会一直等下去；netlab 在宽限期（--grace）之后强行终止等待
scenario-line_too_long_gets_an_error = 超过上限（默认 64 KiB）的一行会收到一行错误提示，发送者被断开；聊天继续
scenario-closed_client_leaves_the_chat = 关闭的客户端被移除：没有空广播，其他人和新来的客户端继续聊天
scenario-reset_client_leaves_the_chat = 复位的客户端被移除：其他人和新来的客户端继续聊天
scenario-quit_ends_the_program = 有两个空闲客户端时，`quit` 在 4 秒内（笔记的 3 秒停顿再加 1 秒）结束程序，两个客户端都看到连接关闭
scenario-blank_line_is_a_message = 空行和其他消息一样：每个人都收到，发送者不会被断开
scenario-invalid_utf8_removes_the_client = 发送非法 UTF-8 字节的客户端被移除（它收到 EOF），聊天继续
scenario-churn_kills_no_thread = 客户端频繁上下线，同时有一个客户端一直在说话：没有线程因 `dictionary changed size during iteration` 异常退出，每一行都送达
scenario-slow_reader_freezes_no_one = 不读数据的客户端不会拖住任何人：其他人的消息 1 秒内送达，它积压超过上限后被断开，内存有上界
scenario-leavers_leave_no_socket_behind = 200 个客户端连上、说一声 hi 就立即关闭：服务端关闭了它们的每一个套接字，聊天继续
scenario-slow_reader_stalls_only_the_sender = 不读数据的客户端只卡住向它发送的那个线程：B 的消息和新来的客户端照样能通过
scenario-slow_reader_freezes_everyone = 不读数据的客户端让整个服务端卡死：广播拿着锁阻塞在 flush() 里
scenario-dict_changed_size_under_churn = 客户端频繁上下线，旁边一个客户端不停说话：一边遍历字典一边被别的线程修改，抛出 RuntimeError
scenario-no_dict_race_under_churn = 整个广播都在锁里：频繁上下线不会让任何线程异常退出，每一行都能送回
scenario-leavers_leave_sockets_in_close_wait = 客户端恰好在广播向它写入时关闭，广播的线程在关闭自己的客户端之前就异常退出：套接字堆积在 CLOSE-WAIT 状态
scenario-client_quit_exits_at_once = `quit` 在 1 秒内结束客户端：它的 recv 线程被唤醒，服务端看到它离开
scenario-client_exits_when_the_server_goes = 服务端消失时，客户端在 1 秒内结束，不会在 recv() 返回的 b'' 上空转
netlab-spin-limit = Python 的线程会在 b'' 上全速空转，永不停止；netlab 在 20 次之后让它结束
accident-cut-character = CPython 对一次 recv(1024) 的数据做严格的 decode()，遇到被截成两半的字符就抛出 UnicodeDecodeError；直接转发字节的服务端根本不需要解码
accident-invalid-utf8 = CPython 的 decode() 遇到非法 UTF-8 字节会抛出 UnicodeDecodeError；直接转发字节的服务端不必如此
accident-crlf = 文本模式的 makefile() 把 "\r\n" 读成 "\n"（通用换行）；服务端也可以保留 \r
cpython-loses-a-line = 广播向 A 的文件对象写入时，CPython 的 makefile() 会丢掉第二行（`netlab explain cpython-quirks`）
accident-last-line = 连接结束时，CPython 的 readline() 会返回没有换行符的最后一行；服务端也可以丢弃它
cpython-loses-a-quit = 广播一旦向发送者的文件对象写入，CPython 的 makefile() 就会丢掉同一报文段里这一行后面的内容，所以 Python 丢了这个 `quit`（`netlab explain cpython-quirks`）
netlab-line-limit = netlab 拒绝超过 64 MiB 的一行；Python 的 readline() 会一直缓存下去，不管多长
accident-utf8-quit = CPython 的 decode() 遇到非法 UTF-8 字节就抛出异常，第 7 阶段把它当作 `quit`；直接转发字节的服务端会保留这个客户端
netlab-cut-short = Python 会一直等那些阻塞的线程；netlab 在宽限期（--grace）之后强行终止它们

## netlab check：场景的各行、结论、单位（src/scenario/runner.rs、outcome.rs、expect.rs）
run-netlab-only-unchecked = （从这里起不检查，共 { $n } 步：{ $reason }）
run-netlab-only = （从这里起是 netlab 自己的行为：{ $reason }）
run-deadline = 这个场景没有在 { $seconds } 秒内结束
run-not-the-notes = （这里不是笔记代码的行为，也不要求：{ $what }）
run-output-left-out = […] 程序的输出还有 { $n } 行没有显示（`--log DIR` 会全部保留）
run-not-checked = [服务端]（不检查：{ $what }）
run-memory-unknown = 服务端的内存保持在 { $mib } MiB 以下
run-memory-under = [服务端] 使用 { $used } MiB 内存（低于 { $mib } MiB）
run-memory-over = [服务端] 使用 { $used } MiB 内存，超过了 { $mib } MiB
run-leavers = [L1..L{ $n }] $ { $n } 个客户端各自连接，发送 "hi\n" 后立即关闭（连上了 { $connected } 个）
run-close = [{ $name }] $ 关闭（FIN）
run-reset = [{ $name }] $ 复位（RST）
run-reset-failed = [{ $name }] 复位失败：{ $error }
run-half-close = [{ $name }] $ shutdown(SHUT_WR)：发出 FIN，但继续读取
run-shutdown-failed = [{ $name }] shutdown 失败：{ $error }
run-connect-failed = [{ $name }] 无法连接到 { $addr }：{ $error }
run-connect = [{ $name }] $ 连接 { $addr }    （{ $name } 的地址是 { $local }）
run-register-note = {"    "}（并等它发回来：那时 { $name } 就在客户端字典里了）
run-connect-silent = [{ $name }] $ 连接 { $addr }    （{ $name } 的地址是 { $local }；它从不读取，接收缓冲区 4 KB）
run-silent-line-missing = [{ $witness }] 等了 { $seconds }，没有等到 { $name } 的那一行 { $line }
run-silent-registered = [{ $witness }] 收到了 { $name } 的那一行：{ $name } 已在客户端字典里
run-send-failed = [{ $name }] 发送失败：{ $error }
run-flood = [{ $name }] $ 发送 { $lines } 行、每行 { $size } 字节（"flood 000001 xxx...\n"，共 { $mb } MB），最多比每个读数据的客户端已收到的多 { $window } 行
run-flood-stalled = [{ $reader }] 收到了 { $name } 的 { $lines } 行中的 { $got } 行，之后 { $seconds }内再没有收到
run-flood-received = [{ $reader }] 收到了 { $name } 的全部 { $lines } 行
run-reads-at-last = [{ $name }] 终于开始读取：{ $bytes } 字节，然后连接结束（{ $how }）
run-still-open = [{ $name }] 终于开始读取：{ $bytes } 字节，{ $seconds }之后连接仍然没有关闭
run-churn = [churn] $ 持续 { $seconds }：6 个线程反复连接、发送 "hi\n" 和 "quit\n" 再关闭（共 { $connections } 个连接），同时 [{ $chatty }] 每毫秒发送一行 "spam N\n"（共 { $sent } 行）
run-churn-lost = [{ $name }] 只收到了 { $chatty } 的 { $sent } 行中的 { $got } 行
run-churn-all = [{ $name }] 收到了 { $chatty } 的全部 { $sent } 行
run-close-wait = [服务端] { $seconds }后仍有 { $n } 个连接处于 CLOSE-WAIT：客户端已经关闭了，服务端却一直没有关闭自己这一端的套接字
run-no-close-wait = [服务端] 没有处于 CLOSE-WAIT 的连接
run-send = [{ $name }] $ 发送 { $bytes }{ $note }
run-send-stalled = [{ $name }] { $seconds }内只发出了 { $total } 字节中的 { $sent } 字节，之后发送缓冲区一直是满的，再也发不出去
run-bug-not-connected = 场景有误：客户端 { $name } 没有连接
run-received = [{ $name }] 收到 { $bytes }
run-then-eof = ，随后连接在这一步开始 { $after }后被关闭（EOF）
run-then-rst = ，随后连接在这一步开始 { $after }后被复位（RST）
run-then-error = ，随后连接出错：{ $error }
run-then-exited = ，而且程序已经结束（{ $how }）
run-received-nothing-in = [{ $name }] { $seconds }内什么也没有收到
run-received-nothing = [{ $name }] 什么也没有收到
run-received-only-in = [{ $name }] { $seconds }内只收到 { $n } 字节：{ $bytes }
run-received-only = [{ $name }] 只收到 { $n } 字节：{ $bytes }
run-expected = [{ $name }] 期望：{ $bytes }
run-received-label = [{ $name }] 收到：{ $bytes }
run-first-difference = ^ 第一处不同：字节偏移 { $at }
run-extra = [{ $name }] 期望 { $ms } 毫秒内不再收到数据，却收到了 { $bytes }
run-quiet-rst = [{ $name }] 期望连接保持打开、{ $ms } 毫秒内什么也不收到，但连接在 { $after }后被复位（RST）
run-quiet-eof = [{ $name }] 期望连接保持打开、{ $ms } 毫秒内什么也不收到，但连接在 { $after }后被关闭（EOF）
run-quiet = [{ $name }] { $ms } 毫秒内什么也没有收到
run-end-but-received = [{ $name }] 期望连接结束，却先收到了 { $bytes }
run-closed-eof = [{ $name }] 连接被服务端关闭（EOF）
run-closed-rst = [{ $name }] 连接被复位（ConnectionResetError）
run-closed-error = [{ $name }] 连接因出错而结束：{ $error }
run-end-still-open = [{ $name }] 期望连接被{ $expected }，但 { $seconds }后它仍然打开着
run-end-error = [{ $name }] 期望连接被{ $expected }，实际却出错：{ $error }
run-end-other = [{ $name }] 期望连接被{ $expected }，实际却被{ $got }
run-bug-no-witness = 场景有误：不读数据的客户端需要一个读数据的客户端作见证
end-eof = 关闭（EOF）
end-rst = 复位（RST）
unit-seconds = { $s } 秒
verdict-pass = 通过
verdict-fail = 未通过
verdict-not-checked = 未检查
outcome-at-step = 第 { $step } 步
outcome-not-checked = { $n } 步未检查
outcome-said = （{ $said }）
outcome-said-separator = ；
outcome-hint = 提示：{ $hint }
outcome-server-records = 服务端最后的日志记录：
load-not-registered = 客户端 { $name } 的第一行一直没有发回来：服务端没有登记它
shortened = { $head }…{ $tail }（共 { $n } 个字符）

## netlab check：服务端做了什么（src/scenario/target.rs）
target-logs = [服务端] 记录日志 { $text }
target-expected-log = [服务端] 期望有一条包含 { $text } 的日志记录
target-logged = [服务端] 记录了 { $text }
target-thread-died = [服务端] 线程 { $thread } 因异常退出：{ $error }
target-never-says = [服务端] 从未输出 { $text }
target-thread-did-not-end = [服务端] 期望线程 { $thread } 在 { $seconds } 秒内结束，它没有结束
target-thread-dies = [服务端] 线程 { $thread } 因异常退出：{ $error }
target-thread-ends = [服务端] 线程 { $thread } 结束
target-thread-ended-otherwise = [服务端] 线程 { $thread } 结束：{ $got }；期望的是{ $want }
target-no-exception = 没有异常
target-an-exception = 包含 { $text } 的异常
target-thread-blocked = [服务端] 线程 { $thread } { $state }
target-now-ended-with = 没有在运行：它因 { $error } 退出了
target-now-ended = 没有在运行：它已经结束了
target-now-never-started = 没有在运行：它根本没有启动
target-now-running = 在运行，没有阻塞
target-expected-blocked = [服务端] 期望线程 { $thread } 阻塞在 { $call }；实际上它{ $now }
target-quit-grace = [控制台] >> quit    （宽限期 { $seconds } 秒）
target-bug-quit-ends = 场景有误：QuitEnds 前面没有 Quit
target-quit-not-clean = [服务端] 期望 quit 之后所有线程都正常结束，但 { $seconds } 秒后这些线程被强行终止了：
target-quit-not-cut = [服务端] 期望 quit 被强行终止，但 { $seconds } 秒后所有线程都已经结束了
target-quit-clean = [服务端] quit 之后 { $seconds } 秒，所有线程都已结束
target-quit-cut = [服务端] quit 之后 { $seconds } 秒，所有线程都被强行终止了
target-prints = [服务端] 输出 { $text }
target-logs-unknown = 记录日志 { $text }；输出里没有这一行，但服务端可以用自己的话记日志
target-printed = [服务端] 输出了 { $text }（见上面它的输出）
target-never-prints = [服务端] 从未输出 { $text }
target-unknown-thread-ends = 线程 { $thread } 结束
target-a-thread-dies = [服务端] 有一个线程因异常退出：{ $error }    （在它的输出里看到的；不检查是哪个线程）
target-unknown-thread-dies = 线程 { $thread } 因 { $error } 退出（输出里没有）
target-unknown-blocked = 线程 { $thread } 阻塞在 { $call }
target-could-not-type-quit = [控制台] 无法在程序的标准输入上输入 `quit`：{ $error }
target-typed-quit = [控制台] >> quit    （在程序的标准输入上输入）
target-unknown-quit-cut = quit 被强行终止
target-program-ends = [服务端] quit 之后 { $seconds } 秒程序结束（{ $how }）
target-program-still-running = [服务端] 期望程序在 `quit` 之后 { $seconds } 秒内结束，但它还在运行
target-record-log = 日志：{ $text }
target-record-print = print：{ $text }
target-record-ended-with = 线程 { $thread } 因异常退出：{ $error }
target-record-ended = 线程 { $thread } 结束

## netlab check：客户端程序（src/scenario/client_check.rs）
client-check-server-did-not-start = netlab 的第 { $stage } 阶段没有启动：{ $error }
client-check-server = [服务端] $ netlab stage { $stage }，监听 { $addr }    （netlab 自己的服务端，供客户端连接）
client-check-observer-failed = 无法连接到 netlab 自己的服务端：{ $error }
client-check-observer-unregistered = netlab 自己的服务端没有登记观察用的客户端 observer
client-check-observer = [observer] $ 连接 { $addr }    （它观察客户端发出的内容）
client-check-ready = [observer] 收到 "{"{"}TS{"}"} ip:port\nI'm ready\n\n"
client-check-not-ready = [observer] 等了 { $seconds } 秒，没有等到客户端的 "I'm ready"
client-check-types = [控制台] >> { $line }
client-check-server-goes = [服务端] 下线：netlab 关闭它的全部连接（客户端的 recv() 返回 b''）
client-check-ends = [客户端] { $seconds } 秒后结束（{ $how }）
client-check-still-running = [客户端] 期望在 { $ms } 毫秒内结束，但它还在运行
client-check-printed = [客户端] 这期间打印了 { $printed } 行（最多 { $n } 行）
client-check-spun = [客户端] 这期间打印了 { $printed } 行，超过 { $n } 行：它在空转
client-check-could-not-start = 无法启动 `{ $command }`：{ $error }
client-check-command = [客户端] $ { $command }
client-check-not-started = 客户端还没有启动
client-check-could-not-type = 无法向客户端的标准输入写入：{ $error }
client-check-more-lines = [{ $label }] ……还有 { $n } 行
client-check-own-did-not-start = netlab 的客户端 { $client } 没有启动：{ $error }
client-check-own = [客户端] netlab 的 { $client }，在本进程中运行
client-check-send-failed = 发送失败：{ $error }
client-check-threads-ended = 客户端的线程都已结束
client-check-logs = [客户端] 记录日志 { $record }
client-check-more-records = [客户端] ……还有 { $n } 条日志记录

## netlab check：提示，只在看到原因时给出（src/scenario/hint.rs、runner.rs）
hint-memory = 为不读数据的客户端排队的数据必须有上限：超过上限就断开它，而不是全部留着
hint-program-ended = 程序已经结束（{ $how }）：它打印的内容在上面
hint-no-longer-listens = 服务端已经不在它的端口上监听了（场景开始时还在）：它关闭了监听套接字，或者已经结束
hint-backlog-full = { $seconds }内连接没有被接受：服务端的 backlog（已完成连接队列）满了（没有线程在调用 accept()）
hint-chat-froze = 有一个不读数据的客户端在线时聊天室卡死了：等它的广播拖住了所有人（笔记里，线程拿着锁阻塞在 flush() 里）
hint-disconnect-slow = 为不读数据的客户端排队的数据过多时，必须断开它；否则等着它的数据会无限增长
hint-race = 一个线程遍历字典的同时，另一个线程增删客户端，就会抛出 RuntimeError：对字典的每一次访问，包括广播里的循环，都必须持有锁
hint-churn-lost = 某个负责广播的线程因异常退出了，或者丢了一行：全程在线的客户端必须收到每一行
hint-close-wait = 向刚关闭的客户端写数据会抛出 BrokenPipeError；如果没有捕获它，正在广播的线程会在关闭自己的客户端之前就因异常退出（`ss -tan state close-wait` 可以列出这些连接）
hint-send-closed = 服务端已经关闭了 { $name } 的连接
hint-send-reset = 服务端已经复位了 { $name } 的连接
hint-send-stalled = 服务端不再读取 { $name } 发来的数据：它的接收缓冲区满了（因异常退出的线程，或者阻塞在别处的线程，都不会再读取自己的客户端）
hint-check-command = 检查一下 `--` 后面的命令
hint-client-ready = 客户端必须连接分配给它的端口（参数里的 {"{"}port{"}"}，或者 $PORT），并且先发送 "I'm ready\n"，和笔记里的客户端一样
hint-client-still-running = 在另一个线程里调用 close() 不会唤醒阻塞在这个套接字上的 recv()（shutdown() 会）；而服务端关闭之后，recv() 每次都会立刻返回 b''：收到它就结束循环
hint-client-spun = 服务端关闭之后，recv() 每次都会立刻返回 b''：不在这里停下的循环会以最快速度不停地记录 b''
hint-crlf = 换行符前面多了一个 \r：笔记用通用换行模式读取文本，"\r\n" 读进来就是 "\n"（用文本模式的 makefile()，或者自己去掉 \r）
hint-empty-message = 收到了一条空消息：客户端关闭之后 recv() 返回 b''，不检查这一点的服务端就会把“空”广播出去
hint-missing-newline = 这条消息结尾少了它自己的 \n：笔记发送的是消息头、那一行（带着它的 \n），再加一个 \n
hint-split-line = 这条消息还没完，新的消息就开始了：服务端把一行的一部分当成一条消息发了出去（按 recv() 分帧的服务端，一次 recv() 读到什么就发什么；按行处理的服务端会等到换行符）
hint-joined-lines = 本该开始下一条消息的地方又来了更多文字：两行被合成一条消息发了出去
hint-empty-message-from = 收到了一条来自 { $who } 的空消息：客户端关闭之后 recv() 返回 b''，不检查这一点的服务端就会把“空”广播出去
hint-another-sender = 这里期望的是另一个客户端的消息，来的却是 { $who } 的
hint-header-names = 消息头写的发送者是 { $who }（{ $shown }）：要么消息来自另一个客户端，要么消息头里的地址不是发送者的地址
hint-header-server-address = 消息头里是服务端自己的地址：应该是发送者的地址，也就是 accept() 为那个客户端返回的地址
hint-header-no-time = 消息头里没有日期和时间：每条消息都以 "{"{"}time{"}"} ip:port\n" 开头，也就是时间、一个空格、发送者的地址
hint-not-a-header = 这不是消息头：每条消息都以 "{"{"}time{"}"} ip:port\n" 开头（时间、一个空格、发送者的地址），后面才是消息体
hint-header-format = 消息头的时间用的是 { $format }；笔记写的是 %Y%m/%d %H:%M:%S（年和月连在一起，日前面有一个斜杠：202611/25 16:35:53）。其他场景接受任何日期时间格式，只有这个场景检查笔记的确切格式
hint-header-time = 消息头的时间 "{ $text }" 不是笔记的格式 %Y%m/%d %H:%M:%S（例如 202611/25 16:35:53）。其他场景接受任何日期时间格式，只有这个场景检查笔记的确切格式
hint-took-as-leaving = { $name } 的最后一行去掉首尾空白后是 'quit' 或 ''，服务端把它当成了退出
hint-reset = 复位（RST）来自这样的服务端：连接里还有没读的数据时就关闭了连接；或者来自一个突然结束的进程
hint-not-own-message = { $name } 没有收到自己的消息，其他客户端却收到了：每条消息都要发给客户端字典里的每个客户端，发送者自己也包括在内
hint-nobody-received = 没有一个客户端收到这一行：服务端没有广播它（上面服务端的输出也许说明了原因）
hint-not-in-dict = 其他客户端收到了这条消息，{ $name } 却没有：它在客户端字典里吗？
hint-empty-messages = 一条条空消息：客户端关闭之后 recv() 返回 b''，不检查这一点的循环会一遍又一遍地把“空”广播出去
hint-part-of-line = 换行符还没到，一行的一部分就被发了出去：按 recv() 分帧的服务端，一次 recv() 读到什么就发什么；按行处理的服务端会等整行到齐
hint-quit-removes = `quit` 必须移除这个客户端：把它从字典里弹出，再关闭它的套接字（客户端会读到 EOF）
hint-quit-broadcast = `quit` 被当成普通消息广播了：应该把去掉首尾空白的这一行和 'quit' 比较，然后移除这个客户端
hint-clock-behind = 消息头的时间比本机时钟慢 { $hours } 小时 { $minutes } 分：笔记用 datetime.now() 给消息加时间戳，也就是本地时间（用 UTC 或其他时区的服务端会差整数个小时）
hint-clock-ahead = 消息头的时间比本机时钟快 { $hours } 小时 { $minutes } 分：笔记用 datetime.now() 给消息加时间戳，也就是本地时间（用 UTC 或其他时区的服务端会差整数个小时）
hint-stdin-closed = 程序已经结束，或者关闭了它的标准输入
hint-quit-still-running = `quit` 之后，要等所有线程都结束，程序才会结束：是不是还有线程阻塞在 recv()、readline() 或 accept() 里？（`netlab explain 3` 解释了为什么 close() 唤不醒它）

## netlab check：开头、分组、说明和总结（src/check/mod.rs、report.rs）
check-bad-seconds = { $text } 不是 0 到 600 之间的秒数
check-group-client = { $subject }的场景（由 netlab 的第 { $stage } 阶段充当服务端）：
check-group-own = { $subject }自己的场景：
check-group-kept-fix = 修改之后仍须通过的{ $base }的场景：
check-group-kept = 沿用自前面各阶段、在{ $subject }仍须通过的场景：
check-client-no-scenarios = netlab check：笔记里的客户端自己没有场景，它的练习有：`netlab check { $exercise } -- python3 my_client.py {"{"}port{"}"}`
check-no-such-scenario = netlab check：这里没有名为 { $name } 的场景；这些场景是：{ $names }
check-log-dir = 无法创建 --log 目录 { $dir }：{ $error }
check-interrupted = netlab check：已中断；被检查的程序已经停止
check-not-recorded-own = netlab check：练习 { $exercise } 通过了，但用的是 netlab 自己的程序，不是你的：不记入 ./{ $file }
check-recorded = netlab check：练习 { $exercise } 通过了，已记入 ./{ $file }（`netlab exercises` 显示你的进度）
check-not-recorded = netlab check：练习 { $exercise } 通过了，但没能记录下来：{ $why }
check-cannot-watch = 无法监视 { $file }：{ $error }
check-watching = netlab check：正在监视 { $file }：每次保存都会重新检查；按 Ctrl-C 停止
check-what-exercise = { $subject }（{ $title }），基于{ $base }
check-what = { $subject }（{ $title }）
check-how-client = 每个场景都启动一个新的客户端，{"{"}port{"}"} 和 $PORT 是 netlab 自己的第 { $stage } 阶段的端口
check-how-port = 每个场景都启动一个新的程序，端口 { $port }
check-how = 每个场景都启动一个新的程序，用一个空闲端口（参数里的 {"{"}port{"}"}，环境变量 $PORT），同时运行 { $jobs } 个
check-judged-strict = 笔记程序的一切行为都必须复现：它的缺陷、Python 特有的行为，以及消息头的确切格式（--strict）
check-judged = 约定必须遵守；笔记的缺陷和 Python 特有的行为只报告，不要求（--strict 才要求）
check-heading = netlab check { $id }：用{ $what }检查 `{ $command }`
check-adds-nothing = { $subject }没有自己的场景：它的改动只在高负载下才显现（`netlab explain { $id }`）；下面的场景仍须通过
check-same-failure = 和上面 { $first } 的失败相同
check-cannot-check = 无法检查：{ $why }
check-not-started = netlab check：这个程序无法检查（退出码 { $code }）
check-summary = { $passed } 个通过，{ $failed } 个未通过
check-summary-not-checked = { $n } 个完全没有检查
check-summary-not-run = { $n } 个没有运行
check-summary-separator = ，
check-summary-steps = （{ $n } 步未检查）
check-summary-flaws = 笔记的缺陷：{ $present } 个存在，{ $absent } 个不存在
check-summary-python = Python 特有的行为：{ $n } 个（不要求）
check-not-run-registering = （其余 { $n } 个场景没有运行：每个场景都先登记它的客户端，也就是每个客户端发一行、等它发回来，而这一步失败了：先修好它）
check-not-run = （第一次失败之后没有运行：{ $names }）
check-not-checked-why = （未检查的是需要看到服务端内部的步骤，比如某个线程阻塞在哪里，或者只有 netlab 自己的阶段才有的行为；`netlab explain check` 会列出是哪些）
check-exercise-hints = （`netlab exercise { $exercise } --hint` 共有 { $n } 条提示）
note-absent-at = { $text }（第 { $step } 步：{ $why }）
note-flaw-kept = 缺陷存在，笔记保留了它
note-flaw-fixed-by = 缺陷存在，由{ $fixer }修复
note-flaw-exercises = 缺陷存在，由练习 { $ids } 修复
note-flaw-stages = 缺陷存在，由第 { $ids } 阶段修复
note-flaw-absent = 缺陷不存在：笔记的代码在这里有这个缺陷，这个程序没有
note-python = Python 特有：{ $why }
note-python-not-required = Python 特有，不要求：{ $why }
note-python-contract = Python 特有：{ $why }；用其他语言写的服务端必须做到

## netlab exercises、netlab exercise（src/exercise.rs）

exercise-progress-unreadable = 无法读取 { $file }：{ $error }
exercise-progress-foreign = { $file } 不是 netlab 的进度文件（它的第一行应该是 { $header }）：netlab 不会改动它；请重命名或删除它，才能在这里记录你的进度
exercise-progress-unknown = { $file } 第 { $line } 行：{ $text } 不是 netlab 认识的练习：netlab 不会改动这个文件；请修改或删除这一行
exercise-done-at = 完成于 { $when }
exercise-done = 已完成
exercise-pending = 未完成
exercises-summary = 共 { $total } 个练习，已完成 { $done } 个（记录在 ./{ $file }）。`netlab exercise 编号` 显示一个练习；`netlab check 编号 -- <你的程序>` 给它评分。
exercise-base-stage = 第 { $n } 阶段
exercise-base-client = 客户端
exercise-how =
    开始：{ $start }
          写出 { $file }：{ $base }的 Python 程序，和 `netlab source { $source }` 打印的一样
    检查：{ $run }
          每次保存 { $file } 都会重新检查（按 Ctrl-C 停止）
exercise-started = 已写出 { $file }：{ $base }的 Python 程序，原样未改。练习：{ $title }。
exercise-next = 接下来检查它（每次保存都会重新检查，按 Ctrl-C 停止）；卡住时查看提示：
exercise-next-in = 接下来在 { $dir } 里检查它（每次保存都会重新检查，按 Ctrl-C 停止）；卡住时查看提示：
exercise-start-exists = { $file } 已经存在，里面可能有你的代码：netlab 不会改动它。加 `--force` 会用{ $base }的程序替换它；`--start 目录` 则写到另一个目录里。
exercise-start-failed = 无法写出 { $file }：{ $error }
exercise-start-no-python = { $base }还没有可以作为起点的 Python 程序；`netlab source { $source } --rust` 打印 netlab 运行的 Rust 代码
exercise-hint = 提示 { $n }：{ $text }
exercise-stuck = 卡住了？运行 `netlab exercise { $id } --hint` 查看提示（共 { $n } 条，由浅入深）。
exercise-afterwards = 做完之后，和 netlab 的参考答案比较：`netlab diff { $base } { $id }`，并运行它：`{ $run }`。

## 实时视图 --view（src/view、src/main.rs、src/console.rs、src/demo/slow.rs）

view-no-terminal = 视图无法接管终端（{ $error }）；继续使用普通输出
view-refused = --view 需要一个可以绘制的终端：{ $why }。改为以普通输出运行{ $what }。
view-refused-demo = --view 需要一个可以绘制的终端：{ $why }。改为以普通输出运行这个演示。
view-what-stage = 第 { $n } 阶段
view-why-stdout = 标准输出不是终端（是管道还是文件？）
view-why-stdin = 标准输入不是终端，按键无法传到视图
view-why-dumb = TERM=dumb：这个终端无法绘制
view-why-no-term = 没有设置 TERM：netlab 无法判断这个终端能绘制什么
view-title-stage = 第 { $n } 阶段 · { $slug }
view-keys-hint = ? 按键  p 暂停  q 退出
view-keys-hint-short = ? 按键
view-help =
    q        退出：相当于在控制台输入 `quit`（第 1、2 阶段相当于 Ctrl-C）
    Ctrl-C   同上；退出过程中再按一次：立即结束等待
    p        暂停画面（服务端照常运行）
    ?        显示或隐藏按键说明
    按其他任意键开始输入一行 >> 控制台命令，Enter 发送，
             Esc 清空。输入空行会记录当前的线程和客户端，
             与笔记里的控制台相同。
view-help-title = 按键
view-help-close = 按任意键关闭
view-threads = 线程（{ $alive } 个运行中，{ $ended } 个已结束）
view-dict = 客户端字典（{ $n }）
view-no-dict = 第 1 阶段没有客户端字典，下面是它的连接
view-log = 消息与日志记录
view-no-lock = 这一阶段没有锁
view-lock-free = self.lock：空闲
view-lock-held-by = self.lock 被 { $thread } 持有
view-running = 运行中
view-ended = 已结束
view-died = 因异常退出：{ $exception }
view-at-prompt = 停在 >> 提示符（input() 里）
view-holds-lock = 持有锁
view-makefile-close = 阻塞在 f.close()（{ $peer }）
view-col-client = 客户端（键）
view-col-socket = 套接字
view-col-thread = 线程
view-col-received = 已接收
view-col-sent = 已发送
view-col-peer-recv-q = 对端 Recv-Q
view-open = 打开
view-closed = 已关闭
view-alive = 运行中
view-dead = 出错
view-gone = 已消失
view-empty-dict = {"{}"}（空）
view-more = ……还有 { $n } 个
view-up = 已运行 { $clock }
view-paused = 已暂停：画面静止，服务端照常运行（p）
view-no-console = 这一阶段没有 >> 控制台：按 q 或 Ctrl-C 停止（在 Python 里也是 Ctrl-C）
view-demo-keys = 这是演示，没有控制台：按 q 或 Ctrl-C 结束
view-console-gone = 控制台已失效（quit）
view-quitting-keys = 按 Ctrl-C 立即结束等待
view-quit-since = quit 之后 { $seconds } 秒
view-cut-in = { $seconds } 秒后强行终止
view-stop-running = stop() 正在运行
view-stop-blocked = stop() 阻塞了
view-stop-pause = stop() 已返回；笔记里的 3 秒等待
view-python-waits = Python 在等 stop() 没能唤醒的 { $threads }
view-all-ended = 所有线程都已结束
view-too-small = netlab 的视图至少需要 80x24 的终端，这个终端只有 { $w }x{ $h }。请放大窗口，或按 q 退出。
slow-view-over = 实验已结束；客户端保持连接，所以服务端保持现状。按 q 结束演示。

## 各命令共用的编号（src/curriculum.rs）

id-unknown = 没有“{ $id }”这个阶段或练习：阶段是 { $stages }（`netlab stages`），客户端是 `{ $client }`，练习有 { $exercises }（`netlab exercises`）
id-is-the-client = { $id } 是笔记里的客户端：用 `netlab client` 运行
id-is-a-client-solution = { $id } 是客户端的练习：用 `netlab client --solution { $id }` 运行它的参考答案
id-is-a-stage-not-a-client = { $id } 是一个阶段，也就是服务端：用 `netlab stage { $id }` 运行；`--solution` 只接受客户端的练习
id-is-a-server-solution = { $id } 是服务端的练习：用 `netlab stage { $id }` 运行它的参考答案
id-is-not-an-exercise = { $id } 不是练习；练习有 { $exercises }（`netlab exercises`）
list-separator = 、
entry-stage = 第 { $id } 阶段
entry-client = 客户端
entry-exercise = 练习 { $id }
explain-or-a-page = 也可以是页面名：{ $pages }。

## netlab check --class：一次检查全班（src/check/class.rs）

class-no-file = netlab check --class：命令里没有指明每个学生的程序放在哪里：在那个位置写 { $file }，例如 `netlab check 7 --class 'students/*/server.py' -- python3 { $file } { $port }`
class-no-match = netlab check --class：没有文件匹配 { $pattern }（在 { $dir } 下）。请给模式加上引号，让 netlab 而不是 shell 来展开它：`--class 'students/*/server.py'`
class-report-unwritable = 无法写入报告 { $file }：{ $error }
class-interrupted = netlab check：已中断；学生们的程序都已停止
class-heading = netlab check { $id } --class { $pattern }：{ $students } 名学生，对照{ $subject }（{ $title }）
class-how = `{ $command }`，其中 { $file } 是每个学生的程序：每人 { $scenarios } 个场景，每个场景重新启动程序、使用一个空闲端口，总共同时运行 { $jobs } 个程序
class-judged = 约定必须遵守；笔记的缺陷和 Python 特有的行为只报告，不要求（--strict 才要求）
class-judged-strict = 笔记程序的一切行为都必须复现：它的缺陷、Python 特有的行为，以及消息头的确切格式（--strict）
class-progress = 个场景
class-progress-students = 正在检查 { $students }
class-column-student = 学生
class-column-passed = 通过
class-column-time = 用时
class-seconds = { $seconds } 秒
class-mark-passed = 通过
class-mark-failed = 未通过
class-mark-not-checked = 未检查
class-mark-not-run = 未运行
class-mark-not-started = 未能启动
class-scenarios = 场景：
class-failed = { $student }：{ $failed } 个场景未通过；第一个是 { $number } { $scenario }，在第 { $step } 步：{ $why }
class-not-started = { $student }：无法检查：{ $why }
class-not-run = { $student }：有些场景没有运行
class-hint = 提示：{ $hint }
class-summary = { $students } 名学生中有 { $passed } 名通过了全部场景（共用时 { $seconds } 秒）
class-report-written = 报告（用浏览器打开）：{ $file }

## netlab check --class --report：报告页面（src/check/html.rs）

class-html-title = netlab check { $id }：全班
class-html-command = 命令
class-html-programs = 程序
class-html-count = { $students } 名学生，每人 { $scenarios } 个场景
class-html-when = 检查时间
class-html-when-text = { $date }，用时 { $seconds } 秒，同时运行 { $jobs } 个程序
class-html-judged = 评分标准
class-html-summary = { $students } 名学生中有 { $passed } 名通过了全部场景
class-html-how = 点击列标题按该列排序（再点一次反向排序）：按某个场景排序时，这个场景失败的学生排在最前面。点击标记可以打开它的交互记录；鼠标悬停在标记上可以看到说明。
class-html-failed-at = 在第 { $step } 步失败
class-html-failure = { $number } { $scenario }，在第 { $step } 步：{ $why }
class-html-student-passed = 通过
class-html-student-failed = 未通过
class-html-others = 其余 { $n } 个场景及其交互记录
class-html-tag-flaw = 缺陷
class-html-tag-flaw-meaning = 笔记代码里的缺陷，这个程序也有；只报告，不要求
class-html-tag-python = Python
class-html-tag-python-meaning = Python 特有的行为（来自 CPython 的实现细节），这个程序也有；只报告，不要求
class-html-footer = 由 netlab check --class 生成。交互记录与单独运行 `netlab check` 时打印的相同：可以直接交给对应的学生。

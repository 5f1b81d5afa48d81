//! The view's snapshot tests: the three classroom situations of issue 9, built for real
//! (a stage started in this process, `TestClient`s on 127.0.0.1 port 0), drawn at 80x24
//! on ratatui's test backend, and compared with a checked-in screen in
//! `src/view/snapshots/`, ports and numbers normalised (see [`normalise`]).
//!
//! Each test also asserts, on the snapshot itself, what the screen is there to show, so
//! that a blessed screen cannot hide a wrong story. `NETLAB_BLESS=1 cargo test --lib
//! view::tests` rewrites the screens; read the diff before committing it.

use super::{render, Feed, LockState, Snapshot, ThreadFate, ThreadState, Ui, Watched};
use crate::py::{Call, Record};
use crate::scenario::{
    run_scenario, ClientOptions, InProcess, Judge, Outcome, Scenario, TestClient, Verdict,
    DEFAULT_WAIT, EXPERIMENTS,
};
use crate::stage::{QuitOptions, Running};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The longest any step waits for the server.
const WAIT: Duration = Duration::from_secs(10);

/// Stage `id` of the curriculum.
fn stage(id: &str) -> &'static crate::curriculum::Entry {
    crate::curriculum::find(id).unwrap()
}

fn start(id: &str) -> Running {
    Running::start(
        stage(id).server_program().unwrap(),
        "127.0.0.1:0".parse().unwrap(),
        true,
    )
    .unwrap()
}

/// A snapshot as the view takes it, the log fed by the program's captured records.
fn snapshot(running: &Running, quit: Option<(Instant, Duration)>) -> Snapshot {
    let program = Watched::of(running);
    let mut feed = Feed::new(None, Some(running.interpreter().clone()));
    Snapshot::take(&program, &mut feed, quit)
}

/// Waits until `done` holds for the program's threads; panics with them if it does not.
fn wait_threads(running: &Running, what: &str, done: impl Fn(&[crate::py::ThreadInfo]) -> bool) {
    let deadline = Instant::now() + WAIT;
    loop {
        let threads = running.interpreter().threads();
        if done(&threads) {
            return;
        }
        assert!(Instant::now() < deadline, "{what}: {threads:#?}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Makes a screen comparable from run to run. The clients' ports become their names
/// (`127.0.0.1:A____`, the server's `S____`), `127.0.0.1` becomes `localhost` (same
/// width), every digit a 9, and a right-aligned number (two spaces or more before it)
/// keeps its column but not its width. Repeated lines count once: how many empty
/// broadcasts a dead client gets before the broken pipe depends on the kernel's timing.
fn normalise(screen: &str, ports: &[(SocketAddr, char)]) -> String {
    let mut out: Vec<String> = Vec::new();
    for line in screen.lines() {
        let mut line = line.to_string();
        for (addr, name) in ports {
            let port = addr.port().to_string();
            let stand_in = format!("{name}{}", "_".repeat(port.len() - 1));
            line = line.replace(&format!(":{port}"), &format!(":{stand_in}"));
        }
        let line = line.replace("127.0.0.1", "localhost");
        let line: String = line
            .chars()
            .map(|c| if c.is_ascii_digit() { '9' } else { c })
            .collect();
        let line = right_aligned(&line);
        if out.last() != Some(&line) {
            out.push(line);
        }
    }
    out.join("\n") + "\n"
}

/// `   999` and `  9999` both become `     9`: a right-aligned number in its column.
fn right_aligned(line: &str) -> String {
    let c: Vec<char> = line.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < c.len() {
        if c[i] == ' ' {
            let start = i;
            while i < c.len() && c[i] == ' ' {
                i += 1;
            }
            let spaces = i - start;
            let mut j = i;
            while j < c.len() && (c[j] == '9' || c[j] == '.') {
                j += 1;
            }
            if j < c.len() && "KMGs".contains(c[j]) {
                j += 1;
            }
            let number = j > i && c[i] == '9' && (j == c.len() || c[j] == ' ');
            if spaces >= 2 && number {
                out.push_str(&" ".repeat(spaces + (j - i) - 1));
                out.push('9');
                i = j;
            } else {
                out.push_str(&" ".repeat(spaces));
            }
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// Compares `screen` with `snapshots/<name>.txt`, or writes it under NETLAB_BLESS=1.
fn compare(name: &str, screen: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/view/snapshots")
        .join(format!("{name}.txt"));
    if std::env::var_os("NETLAB_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, screen).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (NETLAB_BLESS=1 writes it)", path.display()));
    assert!(
        want == screen,
        "the view of {name} differs from {}:\n--- expected\n{want}--- got\n{screen}",
        path.display()
    );
}

/// Connects a client and waits until the server has registered it and its threads are
/// back waiting for input: a client that connects while a broadcast is still looping
/// over the dict would kill that thread (stages 2-4), a different story.
fn connect(running: &Running, name: &str) -> TestClient {
    let c = TestClient::connect(name, running.local_addr()).unwrap();
    assert!(c.announce(&c, WAIT), "{name} was not registered");
    assert!(running.interpreter().wait_receiving(WAIT));
    c
}

/// Stage 2: a client that leaves stays in the dict; its thread dies of a broken pipe,
/// then the next sender's thread dies when its broadcast reaches the dead socket.
#[test]
fn stage2_dead_client_cascade() {
    let running = start("2");
    let addr = running.local_addr();
    let mut a = connect(&running, "A");
    let b = connect(&running, "B");
    let dies = |client: &TestClient, within: Duration| {
        let name = format!("recv {}", client.local);
        running
            .interpreter()
            .wait_for(
                within,
                |r| matches!(r, Record::Ended { thread, exception: Some(_) } if *thread == name),
            )
            .is_some()
    };
    a.close();
    assert!(dies(&a, WAIT), "A's thread did not die");
    // B speaks until its broadcast reaches A's dead socket: the first line may still
    // find room there if the reset from A's end has not come back yet.
    let b_died = (0..10).any(|_| {
        b.send(b"anyone?\n").unwrap();
        dies(&b, Duration::from_secs(1))
    });
    assert!(b_died, "B's thread did not die");
    assert!(running.interpreter().wait_receiving(WAIT));
    let snap = snapshot(&running, None);

    let dict = snap.dict.as_ref().unwrap();
    assert_eq!(dict.len(), 2, "both clients stay in the dict: {dict:?}");
    assert!(dict.iter().all(|c| c.thread == Some(ThreadFate::Died)));
    assert!(snap.threads.iter().any(|t| matches!(&t.state,
        ThreadState::Died(e) if e.starts_with("BrokenPipeError"))));
    let screen = render(&snap, &Ui::default(), 80, 24);
    assert!(
        screen.contains("died: BrokenPipeError: [Errno 32] Broken pipe"),
        "{screen}"
    );
    compare(
        "stage2_dead_client_cascade",
        &normalise(&screen, &[(addr, 'S'), (a.local, 'A'), (b.local, 'B')]),
    );
}

/// Stage 3 after `quit`: stop() has closed every socket and returned, and Python now
/// waits for the accept thread and the recv threads, which closing did not wake.
#[test]
fn stage3_after_quit() {
    let running = start("3");
    let addr = running.local_addr();
    let a = connect(&running, "A");
    let b = connect(&running, "B");
    assert!(running.interpreter().wait_receiving(WAIT));
    let grace = Duration::from_secs(5);
    let options = QuitOptions {
        main_wait: Duration::from_millis(200),
        grace,
    };
    std::thread::scope(|scope| {
        let quit_at = Instant::now();
        let interp = running.interpreter().clone();
        let running = &running;
        let quitting = scope.spawn(move || interp.enter(|| running.quit(options)));
        let waits = running.interpreter().wait_for(WAIT, |r| {
            r.message().is_some_and(|m| m.contains("Python now waits"))
        });
        assert!(waits.is_some(), "the quit never said what Python waits for");
        let snap = snapshot(running, Some((quit_at, grace)));
        running.interpreter().cut_short();
        quitting.join().unwrap();

        let blocked: Vec<&Call> = snap
            .threads
            .iter()
            .filter_map(|t| match &t.state {
                ThreadState::Blocked(call) => Some(call),
                _ => None,
            })
            .collect();
        assert_eq!(blocked.len(), 3, "{:#?}", snap.threads);
        assert!(matches!(blocked[0], Call::Accept { .. }), "{blocked:?}");
        assert!(
            blocked[1..]
                .iter()
                .all(|c| matches!(c, Call::Recv { call: "recv()", .. })),
            "{blocked:?}"
        );
        let dict = snap.dict.as_ref().unwrap();
        assert!(dict
            .iter()
            .all(|c| c.closed && c.thread == Some(ThreadFate::Alive)));
        let screen = render(&snap, &Ui::default(), 80, 24);
        assert!(screen.contains("Python waits for 3 threads"), "{screen}");
        compare(
            "stage3_after_quit",
            &normalise(&screen, &[(addr, 'S'), (a.local, 'A'), (b.local, 'B')]),
        );
    });
}

/// Stage 7 with a client C that never reads: A's broadcast is stuck in send() to C
/// holding the lock, C's send queue stays full, and B's thread waits for the lock.
#[test]
fn stage7_slow_reader_freeze() {
    let running = start("7");
    let addr = running.local_addr();
    let counting = ClientOptions {
        keep: false,
        ..ClientOptions::default()
    };
    let a = TestClient::connect_with("A", addr, counting).unwrap();
    let b = connect(&running, "B");
    assert!(a.announce(&b, WAIT));
    let c = TestClient::connect_with(
        "C",
        addr,
        ClientOptions {
            read: false,
            recv_buffer: Some(4096),
            keep: false,
        },
    )
    .unwrap();
    assert!(c.announce(&b, WAIT), "C was not registered");
    // A floods long lines until the server stops reading it (bounded in bytes and time).
    let line = [vec![b'x'; 9_999], vec![b'\n']].concat();
    let mut flooded = 0;
    let deadline = Instant::now() + WAIT;
    while a.send_within(&line, Duration::from_millis(300)).unwrap() == line.len() {
        flooded += line.len();
        assert!(
            flooded < 256 << 20 && Instant::now() < deadline,
            "the flood never stalled"
        );
    }
    b.send(b"hello from B\n").unwrap();
    let (a_name, b_name) = (format!("recv {}", a.local), format!("recv {}", b.local));
    wait_threads(
        &running,
        "B waiting for the lock, A in send() holding it",
        |threads| {
            let find = |name: &str| threads.iter().find(|t| t.name == name);
            let a_stuck = find(&a_name).is_some_and(|t| {
                t.holds_lock && t.blocked.as_ref().is_some_and(|b| b.what.is_send())
            });
            let b_waits = find(&b_name)
                .is_some_and(|t| t.blocked.as_ref().is_some_and(|b| b.what == Call::Lock));
            a_stuck && b_waits
        },
    );
    let snap = snapshot(&running, None);

    assert_eq!(snap.lock, LockState::HeldBy(a_name.clone()));
    let dict = snap.dict.as_ref().unwrap();
    let to_c = dict
        .iter()
        .find(|e| e.client == c.local)
        .expect("C in the dict");
    let kernel = to_c.kernel.expect("the kernel knows C's connection");
    assert!(kernel.send_q > 0, "C's send queue is empty: {kernel:?}");
    assert!(
        kernel.peer_recv_q.unwrap_or(0) > 0,
        "C has read everything: {kernel:?}"
    );
    let screen = render(&snap, &Ui::default(), 80, 24);
    assert!(
        screen.contains(&format!("self.lock held by {a_name}")),
        "{screen}"
    );
    compare(
        "stage7_slow_reader_freeze",
        &normalise(
            &screen,
            &[(addr, 'S'), (a.local, 'A'), (b.local, 'B'), (c.local, 'C')],
        ),
    );
}

/// The keys overlay and a screen too small to lay out: drawn, never garbled.
#[test]
fn help_and_small_screens() {
    let running = start("3");
    let snap = snapshot(&running, None);
    let help = Ui {
        help: true,
        ..Ui::default()
    };
    let screen = render(&snap, &help, 80, 24);
    for line in super::labels::help() {
        assert!(
            screen.contains(line.trim_end()),
            "{line:?} not in\n{screen}"
        );
    }
    let small = render(&snap, &Ui::default(), 60, 20);
    assert!(small.contains("at least 80x24"), "{small}");
    // Wider screens add the client's own receive queue.
    assert!(render(&snap, &Ui::default(), 100, 30).contains("peer Recv-Q"));
}

/// How often the tests below sample: 25 times as often as the view does.
const HARD: Duration = Duration::from_millis(10);

/// [`HARD`], or `NETLAB_VIEW_PERIOD_MS` for [`timing`] (250: the view's own rate).
fn period() -> Duration {
    std::env::var("NETLAB_VIEW_PERIOD_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(HARD, Duration::from_millis)
}

/// Runs `f` on a started stage `n`, with a view sampling it every [`HARD`] on another
/// thread when `watched` (a snapshot taken and drawn at 80x24, as the view does); returns
/// what `f` returned and how many snapshots were drawn meanwhile.
fn with_sampler<T>(n: &str, watched: bool, f: impl FnOnce(&Running) -> T) -> (T, usize) {
    let running = start(n);
    let stop = AtomicBool::new(false);
    let drawn = AtomicUsize::new(0);
    // The first snapshot is drawn before `f` starts, so even a scenario of a few
    // milliseconds runs watched.
    let first = std::sync::Barrier::new(2);
    let result = std::thread::scope(|scope| {
        if watched {
            scope.spawn(|| {
                let program = Watched::of(&running);
                let mut feed = Feed::new(None, Some(running.interpreter().clone()));
                let mut waiting = true;
                while !stop.load(Ordering::SeqCst) {
                    let snap = Snapshot::take(&program, &mut feed, None);
                    render(&snap, &Ui::default(), 80, 24);
                    drawn.fetch_add(1, Ordering::SeqCst);
                    if std::mem::take(&mut waiting) {
                        first.wait();
                    }
                    std::thread::sleep(period());
                }
            });
            first.wait();
        }
        let result = f(&running);
        stop.store(true, Ordering::SeqCst);
        result
    });
    (result, drawn.into_inner())
}

fn scenario(id: &'static str, s: &'static Scenario, watched: bool) -> (Outcome, usize) {
    with_sampler(id, watched, |running| {
        run_scenario(
            s,
            &mut InProcess::new(running),
            DEFAULT_WAIT,
            Judge::default(),
        )
    })
}

/// The view only reads: with a view sampling 25 times as often as the real one, every
/// scenario of stage 2 (no lock, dead clients) and stage 7 (the lock, the freeze) still
/// passes, byte for byte, and so does stage 7's slow-reader experiment. The scenarios
/// run side by side, each with its own server and view (they wait more than they work).
#[test]
fn sampling_changes_no_scenario() {
    let runs: Vec<(&'static str, &'static Scenario)> = ["2", "7"]
        .into_iter()
        .flat_map(|id| stage(id).scenarios().into_iter().map(move |s| (id, s)))
        .collect();
    let failures: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = runs
            .iter()
            .map(|&(id, s)| scope.spawn(move || (id, s, scenario(id, s, true))))
            .collect();
        handles
            .into_iter()
            .filter_map(|h| {
                let (id, s, (outcome, drawn)) = h.join().unwrap();
                (outcome.verdict() != Verdict::Passed || drawn == 0).then(|| {
                    format!(
                        "stage{id}_{} with the view sampling ({drawn} drawn):\n{outcome}",
                        s.name
                    )
                })
            })
            .collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let freeze = EXPERIMENTS
        .iter()
        .find(|e| e.name == "slow_reader_freezes_everyone")
        .unwrap();
    let (result, drawn) = with_sampler("7", true, |running| (freeze.run)(running));
    assert_eq!(result, Ok(()));
    assert!(drawn > 10, "{drawn}");
}

/// Timing, with and without a view sampling every 10 ms (`NETLAB_VIEW_PERIOD_MS` to
/// change it): each scenario of stages 2 and 7 run `NETLAB_VIEW_RUNS` times (default 3)
/// each way, printed as a table. Not a pass/fail
/// test (timings on a shared machine vary); run it by name to measure:
/// `cargo test --lib view::tests::timing -- --ignored --nocapture`.
#[test]
#[ignore]
fn timing() {
    let runs: usize = std::env::var("NETLAB_VIEW_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let (mut plain_all, mut watched_all) = (Duration::ZERO, Duration::ZERO);
    println!(
        "{:<48} {:>10} {:>10}",
        "scenario (median of runs)", "plain", "viewed"
    );
    for n in ["2", "7"] {
        for s in stage(n).scenarios() {
            let median = |watched: bool| {
                let mut times: Vec<Duration> = (0..runs)
                    .map(|_| {
                        let (outcome, _) = scenario(n, s, watched);
                        assert_eq!(outcome.verdict(), Verdict::Passed, "{outcome}");
                        outcome.elapsed
                    })
                    .collect();
                times.sort();
                times[runs / 2]
            };
            let (plain, watched) = (median(false), median(true));
            plain_all += plain;
            watched_all += watched;
            println!(
                "{:<48} {:>8.1}ms {:>8.1}ms",
                format!("stage{n}_{}", s.name),
                plain.as_secs_f64() * 1e3,
                watched.as_secs_f64() * 1e3
            );
        }
    }
    println!(
        "{:<48} {:>8.1}ms {:>8.1}ms",
        "all",
        plain_all.as_secs_f64() * 1e3,
        watched_all.as_secs_f64() * 1e3
    );
}

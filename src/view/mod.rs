//! The live view: `netlab stage N --view` and `netlab demo slow --view`.
//!
//! Every flaw of the notes is a story about threads and sockets; the view lets a class
//! watch it happen. It runs the stage as usual (same bytes on the wire) and turns the
//! terminal into one screen, redrawn four times a second: the threads and what each is
//! blocked in, the clients dict as the program holds it with each connection's bytes and
//! kernel queues, the last messages and netlab's explanations, and the `>> ` console.
//!
//! How it is built, so that it never changes what the stage does:
//!
//! - [`Snapshot::take`] only reads what netlab records anyway (the interpreter's threads,
//!   what each is blocked in, the lock holder, each socket's byte counters) and the
//!   kernel's socket table. It is taken on the view's own thread, on a timer.
//! - [`draw::draw`] turns a snapshot into a frame, a pure function: the tests draw the
//!   three classroom situations on ratatui's `TestBackend` ([`render`]).
//! - While the view holds the terminal, everything netlab would print goes to it instead
//!   (`terminal::divert`), and every exit path restores the terminal first
//!   (`terminal::exit`, and a panic hook).
//!
//! Not a terminal (a pipe, CI), or `TERM=dumb`: [`refusal`] says why, and the CLI runs
//! the plain output instead. `NO_COLOR`: the view draws without colours.

mod draw;
mod feed;
mod labels;
mod snapshot;
#[cfg(test)]
mod tests;

pub use draw::{draw, Ui};
pub use feed::Feed;
pub use snapshot::{
    Connection, Kernel, LockState, Quit, Snapshot, ThreadFate, ThreadRow, ThreadState, Watched,
};

use crate::terminal::{self, Kind, Tail};
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::crossterm::{execute, terminal as term};
use ratatui::Terminal;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often the view takes a snapshot and redraws: four times a second is live enough
/// to see a thread block, and steady enough to read on a projector.
pub const PERIOD: Duration = Duration::from_millis(250);

/// Why the view cannot draw here, if it cannot: standard input or output is not a
/// terminal, or `TERM` says it cannot be drawn on.
pub fn refusal() -> Option<String> {
    if !std::io::stdout().is_terminal() {
        return Some(crate::tr!("view-why-stdout"));
    }
    if !std::io::stdin().is_terminal() {
        return Some(crate::tr!("view-why-stdin"));
    }
    match std::env::var("TERM").as_deref() {
        Ok("dumb") => Some(crate::tr!("view-why-dumb")),
        Ok("") | Err(_) => Some(crate::tr!("view-why-no-term")),
        Ok(_) => None,
    }
}

/// Whether colours are allowed: not when `NO_COLOR` is set to anything (no-color.org).
fn colour() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// What the keys do besides `p` and `?`, which depends on what runs.
pub enum Control {
    /// A stage with a `>> ` console: typed lines go to it; `q` types `quit`; Ctrl-C is
    /// the process's SIGINT, as in the plain console.
    Console(Box<dyn Fn(String) + Send>),
    /// A stage without a console (1, 2): `q` and Ctrl-C are the process's SIGINT.
    Signal,
    /// A demo: `q` and Ctrl-C end it (the flag is set).
    Demo(Arc<AtomicBool>),
}

/// What the process shares with the view thread while the view holds the terminal.
struct Active {
    /// Tells the view thread to stop drawing.
    stop: Arc<AtomicBool>,
    /// The view thread, to wait for before the terminal is restored.
    thread: Option<std::thread::JoinHandle<()>>,
    /// Where netlab's output goes meanwhile.
    tail: Arc<Tail>,
    /// The tail's count when `quit` (or Ctrl-C) came: what follows is printed again
    /// once the terminal is back, so that the end of the story stays in the scrollback.
    mark: Arc<Mutex<Option<u64>>>,
}

static ACTIVE: Mutex<Option<Active>> = Mutex::new(None);

/// A running view: what the console tells it.
pub struct Live {
    /// When the quit began, and the grace period: the countdown.
    quit: Arc<Mutex<Option<(Instant, Duration)>>>,
    /// The grace period of this run (`--grace`).
    grace: Duration,
    /// See [`Active::mark`].
    mark: Arc<Mutex<Option<u64>>>,
    tail: Arc<Tail>,
}

impl Live {
    /// Takes the terminal and starts drawing `program` on a thread of its own. Fails
    /// (with the terminal left as it was) if the terminal cannot be set up.
    pub fn start(
        program: Watched,
        records: bool,
        grace: Duration,
        control: Control,
    ) -> std::io::Result<Live> {
        let tail = Arc::new(Tail::new());
        let feed = Feed::new(
            Some(tail.clone()),
            records.then(|| program.interpreter().clone()),
        );
        let mut terminal = enter()?;
        terminal.clear()?;
        terminal::divert(tail.clone());
        install_panic_hook(tail.clone());
        terminal::before_exit(close);
        let stop = Arc::new(AtomicBool::new(false));
        let quit = Arc::new(Mutex::new(None));
        let mark = Arc::new(Mutex::new(None));
        let looping = Looping {
            program,
            feed,
            quit: quit.clone(),
            stop: stop.clone(),
            control,
            mark: mark.clone(),
            tail: tail.clone(),
        };
        let thread = std::thread::Builder::new()
            .name("view".into())
            .spawn(move || looping.run(&mut terminal))?;
        *lock(&ACTIVE) = Some(Active {
            stop,
            thread: Some(thread),
            tail: tail.clone(),
            mark: mark.clone(),
        });
        Ok(Live {
            quit,
            grace,
            mark,
            tail,
        })
    }

    /// The quit has begun (`quit`, `q`, Ctrl-C): the view counts the grace period down.
    pub fn quit_started(&self) {
        let mut quit = lock(&self.quit);
        if quit.is_none() {
            *quit = Some((Instant::now(), self.grace));
        }
        lock(&self.mark).get_or_insert(self.tail.count());
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

type Screen = Terminal<CrosstermBackend<std::io::Stdout>>;

/// Raw mode and the alternate screen: the terminal becomes the view's.
fn enter() -> std::io::Result<Screen> {
    term::enable_raw_mode()?;
    if let Err(e) = execute!(std::io::stdout(), term::EnterAlternateScreen) {
        let _ = term::disable_raw_mode();
        return Err(e);
    }
    let mut screen = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
    let _ = screen.hide_cursor();
    Ok(screen)
}

/// Gives the terminal back as it was: cooked mode, the main screen, the cursor.
fn leave() {
    let _ = term::disable_raw_mode();
    let _ = execute!(
        std::io::stdout(),
        term::LeaveAlternateScreen,
        ratatui::crossterm::cursor::Show
    );
}

/// Restores the terminal before a panic is reported, so the report is readable and the
/// shell usable. A program thread's panic is caught by that thread and reported as
/// Python would report an exception (`SystemError`), and the view goes on: its message
/// goes to the view instead of over the screen.
fn install_panic_hook(tail: Arc<Tail>) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if crate::py::interpreter::in_program_thread() && lock(&ACTIVE).is_some() {
            tail.push(Kind::Traceback, &format!("netlab bug: {info}"));
            return;
        }
        leave();
        terminal::undivert();
        previous(info);
    }));
}

/// Stops the view and gives the terminal back, then prints what netlab said since `quit`
/// (the threads that did not wake, how they ended), so that it stays on the screen.
/// Runs before every exit of a process that started a view (`terminal::exit`); does
/// nothing if no view runs.
pub fn close() {
    // Two threads may end the process at the same moment (the quit ends as a second
    // Ctrl-C cuts it short): the second waits here until the first has given the
    // terminal back and printed, so that its exit does not cut the first one short.
    static CLOSING: Mutex<()> = Mutex::new(());
    let _closing = lock(&CLOSING);
    let Some(mut active) = lock(&ACTIVE).take() else {
        return;
    };
    active.stop.store(true, Ordering::SeqCst);
    if let Some(thread) = active.thread.take() {
        // The view thread looks at its flag at least every PERIOD.
        let deadline = Instant::now() + PERIOD * 4;
        while !thread.is_finished() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    leave();
    terminal::undivert();
    let mark = *lock(&active.mark);
    let lines = active.tail.lines();
    let after: Vec<_> = match mark {
        Some(mark) => lines.iter().filter(|l| l.seq > mark).collect(),
        None => lines.iter().rev().take(1).collect(),
    };
    for line in after {
        if matches!(line.kind, Kind::Netlab | Kind::Traceback | Kind::Command) {
            crate::errln!("{}", line.text);
        }
    }
}

/// The view thread: snapshots on a timer, keys in between.
struct Looping {
    program: Watched,
    feed: Feed,
    quit: Arc<Mutex<Option<(Instant, Duration)>>>,
    stop: Arc<AtomicBool>,
    control: Control,
    mark: Arc<Mutex<Option<u64>>>,
    tail: Arc<Tail>,
}

impl Looping {
    fn run(mut self, screen: &mut Screen) {
        let mut ui = Ui {
            colour: colour(),
            demo: matches!(self.control, Control::Demo(_)),
            ..Ui::default()
        };
        let mut snap = Snapshot::take(&self.program, &mut self.feed, *lock(&self.quit));
        let mut next = Instant::now() + PERIOD;
        while !self.stop.load(Ordering::SeqCst) {
            if Instant::now() >= next {
                if !ui.paused {
                    snap = Snapshot::take(&self.program, &mut self.feed, *lock(&self.quit));
                }
                next = Instant::now() + PERIOD;
            }
            if screen.draw(|f| draw(f, &snap, &ui)).is_err() {
                break;
            }
            let wait = next.saturating_duration_since(Instant::now());
            match event::poll(wait) {
                Ok(true) => match event::read() {
                    Ok(Event::Key(key)) if key.kind != KeyEventKind::Release => {
                        self.key(key, &snap, &mut ui);
                    }
                    Ok(_) => {}
                    Err(_) => break,
                },
                Ok(false) => {}
                Err(_) => break,
            }
        }
    }

    fn key(&mut self, key: KeyEvent, snap: &Snapshot, ui: &mut Ui) {
        ui.note = None;
        if ui.help {
            ui.help = false;
            return;
        }
        let ctrl_c =
            key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl_c {
            return self.interrupt();
        }
        let typing = !ui.line.is_empty();
        match key.code {
            KeyCode::Char('q') if !typing => match &self.control {
                Control::Console(send) if snap.quit.is_none() => {
                    lock(&self.mark).get_or_insert(self.tail.count());
                    send("quit".to_string());
                }
                Control::Console(_) => {}
                _ => self.interrupt(),
            },
            KeyCode::Char('p') if !typing => ui.paused = !ui.paused,
            KeyCode::Char('?') if !typing => ui.help = true,
            KeyCode::Char(c)
                if !key.modifiers.contains(KeyModifiers::CONTROL)
                    && matches!(self.control, Control::Console(_))
                    && snap.quit.is_none() =>
            {
                ui.line.push(c);
            }
            KeyCode::Backspace => {
                ui.line.pop();
            }
            KeyCode::Esc => ui.line.clear(),
            KeyCode::Enter => {
                if let Control::Console(send) = &self.control {
                    if snap.quit.is_none() {
                        let line = std::mem::take(&mut ui.line);
                        if crate::py::strip(&line) == "quit" {
                            lock(&self.mark).get_or_insert(self.tail.count());
                        }
                        send(line);
                    }
                }
            }
            _ => {}
        }
    }

    /// Ctrl-C (and `q` where there is no console): what Ctrl-C does without the view.
    fn interrupt(&self) {
        lock(&self.mark).get_or_insert(self.tail.count());
        match &self.control {
            Control::Demo(done) => done.store(true, Ordering::SeqCst),
            // Raw mode turns Ctrl-C into a key: the view raises the signal itself, so the
            // console's own handler takes it (the first quits, the second cuts short).
            _ => {
                let _ = nix::sys::signal::raise(nix::sys::signal::Signal::SIGINT);
            }
        }
    }
}

/// Draws `snap` with `ui` on a `width` x `height` test screen and returns its text, one
/// line per row, trailing spaces trimmed: what the snapshot tests compare.
pub fn render(snap: &Snapshot, ui: &Ui, width: u16, height: u16) -> String {
    let mut screen = Terminal::new(TestBackend::new(width, height)).expect("a test backend");
    screen
        .draw(|f| draw(f, snap, ui))
        .expect("drawing on a test backend");
    let buffer = screen.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..buffer.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
            line.push_str(symbol);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

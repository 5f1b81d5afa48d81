//! `Feed`: the lines of output the view shows, gathered from where they go while the view
//! holds the terminal: the [`Tail`] that netlab's output is diverted to (the CLI), and the
//! records of a program whose output is captured (the demos, the tests).

use crate::logging::for_view;
use crate::py::{Interpreter, Record};
use crate::terminal::{shorten, Kind, Shown, Tail};
use std::collections::VecDeque;
use std::sync::Arc;

/// The last lines of output, merged from a tail and a program's records in the order the
/// view saw them come.
pub struct Feed {
    /// Where netlab's diverted output goes, if it is diverted.
    tail: Option<Arc<Tail>>,
    /// The last tail line already taken.
    tail_seen: u64,
    /// A program whose records are captured, if one is.
    records: Option<Arc<Interpreter>>,
    /// How many of its records were already taken.
    records_seen: usize,
    /// The lines, oldest first, at most [`Tail::KEEP`].
    lines: VecDeque<Shown>,
    /// Numbers the lines taken from records.
    count: u64,
}

impl Feed {
    /// A feed of `tail` (diverted output) and of `records` (a captured program), either
    /// of which may be absent.
    pub fn new(tail: Option<Arc<Tail>>, records: Option<Arc<Interpreter>>) -> Feed {
        Feed {
            tail,
            tail_seen: 0,
            records,
            records_seen: 0,
            lines: VecDeque::new(),
            count: 0,
        }
    }

    /// Takes what came since the last call.
    pub fn pull(&mut self) {
        if let Some(tail) = &self.tail {
            let new: Vec<Shown> = tail
                .lines()
                .into_iter()
                .filter(|l| l.seq > self.tail_seen)
                .collect();
            if let Some(last) = new.last() {
                self.tail_seen = last.seq;
            }
            for line in new {
                self.keep(line.kind, line.text, line.at);
            }
        }
        if let Some(interp) = &self.records {
            let mut new = Vec::new();
            self.records_seen = interp.each_record_since(self.records_seen, |record| {
                // Shortened first: a record may hold a whole 10 MB line.
                new.push(match record {
                    Record::Log {
                        target,
                        level,
                        message,
                        ..
                    } => for_view(target, *level, &shorten(message)),
                    Record::Print(line) => (Kind::Print, shorten(line).into_owned()),
                    Record::Started { .. } | Record::Ended { .. } => return,
                });
            });
            let now = chrono::Local::now().format("%H:%M:%S").to_string();
            for (kind, text) in new {
                self.keep(kind, text, now.clone());
            }
        }
    }

    fn keep(&mut self, kind: Kind, mut text: String, at: String) {
        // A chat message ends with its newline, as the terminal's line does.
        text.truncate(text.trim_end_matches('\n').len());
        self.count += 1;
        if self.lines.len() == Tail::KEEP {
            self.lines.pop_front();
        }
        self.lines.push_back(Shown {
            seq: self.count,
            at,
            kind,
            text,
        });
    }

    /// The lines kept, oldest first.
    pub fn lines(&self) -> Vec<Shown> {
        self.lines.iter().cloned().collect()
    }
}

//! The erasure job's queue of operations waiting to be sent, earliest due first.
//!
//! Almost every operation is scheduled once, when the job is built, and only a few are
//! rescheduled (retries, premature or rate-limited answers). So the first schedule is one
//! vector sorted by due time and read with a cursor (constant time per operation, where a heap
//! of a million entries costs twenty comparisons per pop), and rescheduled operations go into a
//! binary heap. Entries can be stale (an operation stopped or rescheduled since): the job checks
//! each against the operation's phase.

use crate::time::timestamp::UnixMillis;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Operations by due time: `(due, op)`, smallest first; ties by operation id.
#[derive(Debug, Clone, Default)]
pub(crate) struct Schedule {
    first: Vec<(UnixMillis, u32)>,
    next: usize,
    later: BinaryHeap<Reverse<(UnixMillis, u32)>>,
}

impl Schedule {
    /// The first schedule: `(due, op)` in any order.
    pub(crate) fn new(mut first: Vec<(UnixMillis, u32)>) -> Self {
        first.sort_unstable();
        Schedule {
            first,
            next: 0,
            later: BinaryHeap::new(),
        }
    }

    /// Schedules `op` (again) at `due`.
    pub(crate) fn push(&mut self, due: UnixMillis, op: u32) {
        self.later.push(Reverse((due, op)));
    }

    /// The earliest entry, without taking it.
    pub(crate) fn peek(&self) -> Option<(UnixMillis, u32)> {
        let first = self.first.get(self.next).copied();
        let later = self.later.peek().map(|Reverse(entry)| *entry);
        match (first, later) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Takes the earliest entry.
    pub(crate) fn pop(&mut self) {
        let first = self.first.get(self.next).copied();
        let later = self.later.peek().map(|Reverse(entry)| *entry);
        match (first, later) {
            (Some(a), Some(b)) if b < a => {
                self.later.pop();
            }
            (Some(_), _) => self.next += 1,
            (None, Some(_)) => {
                self.later.pop();
            }
            (None, None) => {}
        }
        if self.next == self.first.len() && !self.first.is_empty() {
            // Consumed: give the memory back.
            self.first = Vec::new();
            self.next = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_due_order_across_both_parts() {
        let mut s = Schedule::new(vec![(30, 3), (10, 1), (20, 2), (10, 0)]);
        s.push(15, 7);
        s.push(10, 9);
        let mut order = Vec::new();
        while let Some(entry) = s.peek() {
            order.push(entry);
            s.pop();
            if entry == (20, 2) {
                s.push(25, 8);
            }
        }
        assert_eq!(
            order,
            vec![
                (10, 0),
                (10, 1),
                (10, 9),
                (15, 7),
                (20, 2),
                (25, 8),
                (30, 3)
            ]
        );
        assert_eq!(s.peek(), None);
    }
}

//! The guard (issue 12) on any outgoing body: every kind, JSON or form, with and without known
//! identifiers (`guard_check_body`). A finding names a listed rule and never shows what it found.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use erasekit_core::{
    guard_check, guard_check_body, guard_rules, read_body, GuardKind, Identifier, KnownIdentifiers,
};
use libfuzzer_sys::fuzz_target;

const SUBJECT: &str = "+447700900123";

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let (Ok(kind), Ok(with_known)) = (u.choose(&GuardKind::ALL), bool::arbitrary(&mut u)) else {
        return;
    };
    let known = if with_known {
        KnownIdentifiers {
            subject_identifiers: vec![
                Identifier::phone(SUBJECT).expect("a number"),
                Identifier::conversation_user("USR-aaaaaaaa-bbbb-cccc-dddd-0123456789ab")
                    .expect("a user"),
            ],
            customer_numbers: vec!["+1 415 555 2600".into()],
        }
    } else {
        KnownIdentifiers::default()
    };
    let body = u.take_rest();
    let Ok(findings) = guard_check_body(*kind, body, None, &known) else {
        return;
    };
    let rules = guard_rules();
    for finding in &findings {
        let rule = rules.iter().find(|r| r.id == finding.rule);
        assert!(
            rule.is_some_and(|r| r.source == finding.source),
            "{finding:?}"
        );
        assert!(finding.masked.contains('*'), "unmasked: {finding:?}");
        assert!(
            !finding.masked.contains(&SUBJECT[1..]),
            "shows the subject: {finding:?}"
        );
    }
    let value = read_body(kind.as_str(), body, None).expect("read by guard_check_body");
    assert_eq!(guard_check(*kind, &value, &known).ok(), Some(findings));
});

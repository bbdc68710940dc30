//! No secret-bearing input reaches an error's message or details (issue 9, item 14).

use erasekit_core::{ApiBase, ApiBaseInput, Credentials, CredentialsInput};

fn assert_hidden(e: &erasekit_core::Error, secret: &str) {
    let shown = format!("{e} {e:?} {}", e.details());
    assert!(!shown.contains(secret), "{secret} shown in {shown}");
}

#[test]
fn a_base_url_with_a_password_is_refused_without_showing_it() {
    for url in [
        "https://user:hunter2-secret@api.example.com",
        "http://hunter2-secret@127.0.0.1:9/v1",
        "https://a:hunter2-secret@h?x=1",
        "ftp://user:hunter2-secret@host",
        "user:hunter2-secret@host",
    ] {
        let e = ApiBase::new(url).unwrap_err();
        assert_eq!(e.code(), "invalid_base_url", "{url}");
        assert_hidden(&e, "hunter2-secret");
        let input = ApiBaseInput {
            redact: Some(url.into()),
            ..Default::default()
        };
        assert_hidden(&ApiBase::from_input(&input).unwrap_err(), "hunter2-secret");
    }
    // The rest of the URL is still shown, to say which one was refused.
    let e = ApiBase::new("https://u:hunter2-secret@api.example.com/v1").unwrap_err();
    assert!(e.to_string().contains("***@api.example.com/v1"), "{e}");
}

#[test]
fn a_private_key_that_is_not_one_is_refused_without_showing_it() {
    let secret = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n-----END PRIVATE KEY-----";
    let e = Credentials::new(CredentialsInput {
        application_id: Some("app".into()),
        private_key: Some(secret.into()),
        ..Default::default()
    })
    .unwrap_err();
    assert_eq!(e.code(), "invalid_private_key");
    assert_hidden(&e, "c2VjcmV0LWtleS1ieXRlcw");
}

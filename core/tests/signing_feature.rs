//! Builds without the `signing` feature (`cargo test -p erasekit-core --no-default-features
//! --test signing_feature`): credentials take a key and secret only, and a call that needs a
//! JWT fails with a clear error instead of signing.
#![cfg(not(feature = "signing"))]

use erasekit_core::{ApiBase, ConsoleProxy, Credentials, CredentialsInput, ProxyCall};
use serde_json::json;

#[test]
fn an_application_key_is_refused_and_basic_still_works() {
    let err = Credentials::new(CredentialsInput {
        application_id: Some("app".into()),
        private_key: Some("-----BEGIN PRIVATE KEY-----".into()),
        ..CredentialsInput::default()
    })
    .unwrap_err();
    assert_eq!(err.code(), "invalid_credentials");
    assert!(err.to_string().contains("signing"), "{err}");

    let basic = Credentials::new(CredentialsInput {
        api_key: Some("abcd1234".into()),
        api_secret: Some("s3cr3t".into()),
        ..CredentialsInput::default()
    })
    .expect("basic");
    let call: ProxyCall = serde_json::from_value(json!({
        "kind": "erasure", "job_id": "j",
        "request": { "method": "DELETE", "url": "https://api.nexmo.com/v1/users/USR-1",
            "headers": {}, "body": "" }
    }))
    .expect("call");
    let admitted = ConsoleProxy::new(ApiBase::default())
        .admit(&call)
        .expect("admitted");
    let err = admitted
        .to_http(&basic, 1_700_000_000_000, &[0; 16])
        .unwrap_err();
    assert_eq!(err.code(), "missing_credentials");
}

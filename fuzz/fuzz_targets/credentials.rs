//! Credentials as configured (key, secret, application id, PEM private key): any text. No
//! error and no `Debug`/`Display` shows the secret or the key.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use erasekit_core::{Credentials, CredentialsInput};
use erasekit_fuzz::PRIVATE_KEY;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let field = |u: &mut Unstructured<'_>| -> arbitrary::Result<Option<String>> {
        Ok(match u.int_in_range(0..=3)? {
            0 => None,
            1 => Some(String::new()),
            _ => Some(String::arbitrary(u)?),
        })
    };
    let (Ok(api_key), Ok(api_secret), Ok(application_id)) =
        (field(&mut u), field(&mut u), field(&mut u))
    else {
        return;
    };
    let private_key = match u.int_in_range(0..=3) {
        Ok(0) => None,
        // The real key, cut or changed in one place: reaches deep into the PEM and DER readers.
        Ok(1) => {
            let mut pem = PRIVATE_KEY.as_bytes().to_vec();
            if let (Ok(at), Ok(byte)) = (u.choose_index(pem.len()), u8::arbitrary(&mut u)) {
                pem[at] = byte;
            }
            Some(String::from_utf8_lossy(&pem).into_owned())
        }
        _ => String::arbitrary(&mut u).ok(),
    };
    let input = CredentialsInput {
        api_key: api_key.clone(),
        api_secret: api_secret.clone(),
        application_id: application_id.clone(),
        private_key: private_key.clone(),
    };
    let shown = match Credentials::new(input.clone()) {
        Ok(c) => format!("{c:?} {c}"),
        Err(e) => format!(
            "{e} {e:?} {}",
            serde_json::to_string(&e).unwrap_or_default()
        ),
    };
    let shown = format!("{shown} {input:?}");
    // A secret is "shown" when it appears in the text but not in what may be shown (the key,
    // the application id, the fixed words of the messages).
    let raw = |s: &Option<String>| s.clone().unwrap_or_default();
    let public = format!(
        "{api_key:?} {} {application_id:?} {} {}",
        raw(&api_key),
        raw(&application_id),
        fixed_words()
    );
    for secret in [&api_secret, &private_key].into_iter().flatten() {
        let secret = secret.trim();
        if secret.len() >= 12 && !public.contains(secret) {
            assert!(
                !shown.contains(secret),
                "secret {secret:?} shown in {shown}"
            );
        }
    }
});

/// Every message the credentials errors may print, with placeholders for nothing secret.
fn fixed_words() -> &'static str {
    static WORDS: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    WORDS.get_or_init(words)
}

fn words() -> String {
    let probes = [
        CredentialsInput {
            api_key: Some("k".into()),
            ..Default::default()
        },
        CredentialsInput {
            api_secret: Some("s".into()),
            ..Default::default()
        },
        CredentialsInput {
            application_id: Some("a".into()),
            ..Default::default()
        },
        CredentialsInput {
            private_key: Some("p".into()),
            ..Default::default()
        },
        CredentialsInput::default(),
        CredentialsInput {
            api_key: Some("k:".into()),
            api_secret: Some("s".into()),
            ..Default::default()
        },
        CredentialsInput {
            application_id: Some("a".into()),
            private_key: Some("p".into()),
            ..Default::default()
        },
    ];
    probes
        .into_iter()
        .map(|p| match Credentials::new(p) {
            Ok(c) => format!("{c:?} {c}"),
            Err(e) => format!(
                "{e} {e:?} {}",
                serde_json::to_string(&e).unwrap_or_default()
            ),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

//! Test helpers: a tiny raw HTTP/1.1 client (so tests can see dropped connections and cut
//! bodies), credentials, JWT signing with the test keys, and control-plane shortcuts.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use erasekit_sim::{start, SimConfig, SimServer};
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::RsaPrivateKey;
use serde_json::{json, Value};
use sha2::Sha256;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::OnceLock;
use std::time::Duration;

pub const APP_ID: &str = "aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab";
const APP_PRIVATE: &str = include_str!("../../../vectors/keys/app_private.pem");
const OTHER_PRIVATE: &str = include_str!("../../../vectors/keys/other_private_pkcs1.pem");

/// A parsed response.
#[derive(Debug, Clone)]
pub struct Resp {
    /// 0 when the connection closed without a response.
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// False when the body was shorter than its Content-Length.
    pub complete: bool,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {} body is not JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// Starts a simulator with `overrides` merged over the defaults.
pub fn sim(overrides: Value) -> SimServer {
    let config: SimConfig = serde_json::from_value(overrides).expect("test config is valid");
    start(config).expect("simulator starts")
}

/// Sends raw bytes and reads until the server closes (or 10 s pass).
pub fn raw(addr: SocketAddr, bytes: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let _ = stream.write_all(bytes);
    let mut out = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
        }
    }
    out
}

fn parse(bytes: &[u8]) -> Resp {
    let Some(split) = bytes.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Resp {
            status: 0,
            headers: Vec::new(),
            body: Vec::new(),
            complete: false,
        };
    };
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let rest = &bytes[split + 4..];
    let mut resp = Resp {
        status,
        headers,
        body: Vec::new(),
        complete: true,
    };
    if let Some(len) = resp
        .header("content-length")
        .and_then(|v| v.parse::<usize>().ok())
    {
        resp.complete = rest.len() >= len;
        resp.body = rest[..rest.len().min(len)].to_vec();
    } else if resp
        .header("transfer-encoding")
        .is_some_and(|v| v.contains("chunked"))
    {
        let mut data = rest;
        loop {
            let Some(eol) = data.windows(2).position(|w| w == b"\r\n") else {
                resp.complete = false;
                break;
            };
            let size = usize::from_str_radix(String::from_utf8_lossy(&data[..eol]).trim(), 16)
                .unwrap_or(0);
            if size == 0 {
                break;
            }
            let start = eol + 2;
            if data.len() < start + size {
                resp.complete = false;
                break;
            }
            resp.body.extend_from_slice(&data[start..start + size]);
            data = &data[(start + size + 2).min(data.len())..];
        }
    } else {
        resp.body = rest.to_vec();
    }
    resp
}

/// One request on a fresh connection (`Connection: close`).
pub fn request(
    srv: &SimServer,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> Resp {
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
        srv.addr()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(b) = body {
        req.push_str(&format!("Content-Length: {}\r\n", b.len()));
    }
    req.push_str("\r\n");
    let mut bytes = req.into_bytes();
    if let Some(b) = body {
        bytes.extend_from_slice(b);
    }
    parse(&raw(srv.addr(), &bytes))
}

pub fn basic() -> String {
    format!("Basic {}", STANDARD.encode("sim-key:sim-secret"))
}

pub fn get(srv: &SimServer, path: &str) -> Resp {
    request(srv, "GET", path, &[], None)
}

pub fn get_basic(srv: &SimServer, path: &str) -> Resp {
    request(srv, "GET", path, &[("Authorization", &basic())], None)
}

/// POST JSON to a control route.
pub fn control(srv: &SimServer, path: &str, body: Value) -> Value {
    let bytes = body.to_string();
    let r = request(
        srv,
        "POST",
        path,
        &[("Content-Type", "application/json")],
        Some(bytes.as_bytes()),
    );
    assert_eq!(
        r.status,
        200,
        "{path}: {}",
        String::from_utf8_lossy(&r.body)
    );
    r.json()
}

/// The name and contents of the first entry of a zip (stored or deflated), read from its
/// local header the way a minimal client would.
pub fn unzip_first(zip: &[u8]) -> (String, Vec<u8>) {
    let u16_at = |i: usize| u16::from_le_bytes([zip[i], zip[i + 1]]) as usize;
    let u32_at =
        |i: usize| u32::from_le_bytes([zip[i], zip[i + 1], zip[i + 2], zip[i + 3]]) as usize;
    assert_eq!(&zip[..4], b"PK\x03\x04", "a zip local header");
    let (method, packed, name_len, extra_len) = (u16_at(8), u32_at(18), u16_at(26), u16_at(28));
    let name = String::from_utf8(zip[30..30 + name_len].to_vec()).expect("UTF-8 name");
    let start = 30 + name_len + extra_len;
    let data = &zip[start..start + packed];
    let bytes = match method {
        0 => data.to_vec(),
        8 => miniz_oxide::inflate::decompress_to_vec(data).expect("inflates"),
        m => panic!("unexpected zip method {m}"),
    };
    (name, bytes)
}

/// `POST /v2/reports` with the default credentials.
pub fn post_report(srv: &SimServer, body: &str) -> Resp {
    request(
        srv,
        "POST",
        "/v2/reports",
        &[
            ("Authorization", &basic()),
            ("Content-Type", "application/json"),
        ],
        Some(body.as_bytes()),
    )
}

/// `DELETE /v2/reports/{id}` with the default credentials.
pub fn delete_report(srv: &SimServer, id: &str) -> Resp {
    request(
        srv,
        "DELETE",
        &format!("/v2/reports/{id}"),
        &[("Authorization", &basic())],
        None,
    )
}

pub fn seed(srv: &SimServer, doc: Value) -> Value {
    control(srv, "/_sim/seed", doc)
}

pub fn advance(srv: &SimServer, ms: i64) -> i64 {
    control(srv, "/_sim/clock", json!({ "advance_ms": ms }))["now_ms"]
        .as_i64()
        .expect("now_ms")
}

pub fn state(srv: &SimServer) -> Value {
    get(srv, "/_sim/state").json()
}

/// POST a redact body with the default credentials.
pub fn redact(srv: &SimServer, body: &str) -> Resp {
    request(
        srv,
        "POST",
        "/v1/redact/transaction",
        &[
            ("Authorization", &basic()),
            ("Content-Type", "application/json"),
        ],
        Some(body.as_bytes()),
    )
}

fn now_s() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn keys() -> &'static (RsaPrivateKey, RsaPrivateKey) {
    static KEYS: OnceLock<(RsaPrivateKey, RsaPrivateKey)> = OnceLock::new();
    KEYS.get_or_init(|| {
        (
            RsaPrivateKey::from_pkcs8_pem(APP_PRIVATE).expect("app key"),
            RsaPrivateKey::from_pkcs1_pem(OTHER_PRIVATE).expect("other key"),
        )
    })
}

/// Signs `claims` with the app key (or the other key) into a compact RS256 JWT.
pub fn sign(claims: &Value, other_key: bool) -> String {
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let input = format!("{header}.{payload}");
    let key = if other_key { &keys().1 } else { &keys().0 };
    let sig = SigningKey::<Sha256>::new(key.clone()).sign(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig.to_bytes()))
}

/// A valid application JWT (cached: signing is slow in debug builds).
pub fn jwt() -> &'static str {
    static TOKEN: OnceLock<String> = OnceLock::new();
    TOKEN.get_or_init(|| {
        let iat = now_s();
        sign(
            &json!({"application_id": APP_ID, "iat": iat, "jti": "test-jti", "exp": iat + 3600}),
            false,
        )
    })
}

/// `Authorization: Bearer <valid JWT>`.
pub fn bearer() -> String {
    format!("Bearer {}", jwt())
}

/// Claims for variants (expired, wrong app, …).
pub fn claims(app: &str, exp_offset: i64) -> Value {
    let iat = now_s();
    json!({"application_id": app, "iat": iat, "jti": "variant", "exp": iat + exp_offset})
}

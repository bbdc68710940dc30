//! Hostile input gets a 4xx (or a closed connection), never a crash: the server keeps serving.

use crate::common::*;
use erasekit_sim::prng::SplitMix64;
use serde_json::json;

fn alive(srv: &erasekit_sim::SimServer) {
    assert_eq!(get(srv, "/_sim/health").status, 200);
}

#[test]
fn garbage_bodies_get_4xx() {
    let srv = sim(json!({"max_body_bytes": 4096}));
    let mut rng = SplitMix64::new(99);
    let routes = [
        ("POST", "/v1/redact/transaction"),
        ("POST", "/v2/reports"),
        ("PATCH", "/v1/users/USR-1"),
        ("PUT", "/v0.1/users/USR-1"),
        ("POST", "/_sim/seed"),
        ("POST", "/_sim/faults"),
        ("POST", "/_sim/clock"),
    ];
    for i in 0..40 {
        let len = rng.below(300) as usize;
        let body: Vec<u8> = (0..len).map(|_| rng.below(256) as u8).collect();
        let (method, path) = routes[i % routes.len()];
        let auth = if i % 2 == 0 { basic() } else { bearer() };
        let r = request(
            &srv,
            method,
            path,
            &[
                ("Authorization", &auth),
                ("Content-Type", "application/json"),
            ],
            Some(&body),
        );
        assert!(
            (400..500).contains(&r.status),
            "{method} {path}: {}",
            r.status
        );
    }
    let big = vec![b'a'; 10_000];
    let r = request(
        &srv,
        "POST",
        "/v1/redact/transaction",
        &[
            ("Authorization", &basic()),
            ("Content-Type", "application/json"),
        ],
        Some(&big),
    );
    assert_eq!(r.status, 413);
    alive(&srv);
}

#[test]
fn huge_headers_and_garbage_requests() {
    let srv = sim(json!({}));
    let huge = "x".repeat(100 * 1024);
    let r = request(
        &srv,
        "GET",
        "/v2/reports/records",
        &[("X-Huge", &huge)],
        None,
    );
    assert!(r.status == 431 || r.status == 0, "status {}", r.status);
    let many: Vec<(String, String)> = (0..300).map(|i| (format!("X-H{i}"), "v".into())).collect();
    let many: Vec<(&str, &str)> = many.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = request(&srv, "GET", "/_sim/health", &many, None);
    assert!(
        r.status == 431 || r.status == 400 || r.status == 0,
        "status {}",
        r.status
    );
    let long_auth = format!("Basic {}", "A".repeat(40_000));
    let r = request(
        &srv,
        "POST",
        "/v1/redact/transaction",
        &[("Authorization", &long_auth)],
        Some(b"{}"),
    );
    assert_eq!(r.status, 401);
    let long_jwt = format!("Bearer {}.{}.{}", "a".repeat(9000), "b".repeat(9000), "c");
    assert_eq!(
        request(
            &srv,
            "DELETE",
            "/v3/media/x",
            &[("Authorization", &long_jwt)],
            None
        )
        .status,
        401
    );
    for junk in [
        &b"\x00\x01\x02garbage\r\n\r\n"[..],
        b"GET\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"POST /v1/redact/transaction HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
    ] {
        let out = raw(srv.addr(), junk);
        let text = String::from_utf8_lossy(&out);
        assert!(
            out.is_empty() || text.starts_with("HTTP/1.1 4") || text.starts_with("HTTP/1.0 4"),
            "{text}"
        );
    }
    let long_path = format!("/v3/media/{}/info", "z".repeat(8000));
    assert_eq!(
        request(
            &srv,
            "GET",
            &long_path,
            &[("Authorization", &bearer())],
            None
        )
        .status,
        404
    );
    assert_eq!(
        request(
            &srv,
            "GET",
            "/v3/media/%ff%fe/info",
            &[("Authorization", &bearer())],
            None
        )
        .status
            / 100,
        4
    );
    assert_eq!(get(&srv, "/v2/reports/records?%ZZ=%&&==").status, 401);
    assert_eq!(
        request(&srv, "BREW", "/v1/redact/transaction", &[], None).status,
        405
    );
    alive(&srv);
    let st = state(&srv);
    assert!(st["routes"]
        .as_object()
        .is_some_and(|r| r.keys().all(|k| k.len() < 100)));
}

#[test]
fn loopback_only_and_bad_config() {
    let err = erasekit_sim::start(
        serde_json::from_value(json!({"listen": "0.0.0.0:0"})).expect("config"),
    );
    assert!(err.is_err());
    let err = erasekit_sim::start(
        serde_json::from_value(json!({"applications": [{"id": "x", "public_key_pem": "nope"}]}))
            .expect("config"),
    );
    assert!(err.is_err());
    let srv = sim(json!({"listen": "[::1]:0"}));
    assert!(srv.base_url().starts_with("http://[::1]:"));
    srv.shutdown();
}

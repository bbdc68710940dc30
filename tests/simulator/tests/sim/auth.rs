//! Every Vonage route refuses a request without credentials with its own 401 shape, and accepts
//! the right kind of credentials.

use crate::common::*;
use serde_json::json;

const ROUTES: [(&str, &str, &str); 24] = [
    ("POST", "/v1/redact/transaction", "gateway"),
    ("GET", "/v3/media", "problem"),
    ("GET", "/v3/media/m1", "problem"),
    ("DELETE", "/v3/media/m1", "problem"),
    ("GET", "/v3/media/m1/info", "problem"),
    ("GET", "/v1/users/USR-1", "problem"),
    ("PATCH", "/v1/users/USR-1", "problem"),
    ("DELETE", "/v1/users/USR-1", "problem"),
    ("GET", "/v0.1/users/USR-1", "problem"),
    ("PUT", "/v0.1/users/USR-1", "problem"),
    ("DELETE", "/v0.1/users/USR-1", "problem"),
    ("DELETE", "/v1/conversations/CON-1", "problem"),
    ("DELETE", "/v0.1/conversations/CON-1", "problem"),
    ("DELETE", "/v1/conversations/CON-1/events/1", "problem"),
    ("DELETE", "/v0.1/conversations/CON-1/events/1", "problem"),
    ("GET", "/v0.1/legs", "problem"),
    ("DELETE", "/v0.1/legs/L1", "problem"),
    ("GET", "/v2/reports/records", "problem"),
    ("POST", "/v2/reports", "problem"),
    ("GET", "/v2/reports", "problem"),
    ("GET", "/v2/reports/r1", "problem"),
    ("DELETE", "/v2/reports/r1", "problem"),
    ("GET", "/search/message", "search"),
    ("GET", "/search/messages", "search"),
];

#[test]
fn every_route_needs_credentials() {
    let srv = sim(json!({}));
    for (method, path, shape) in ROUTES {
        let r = request(
            &srv,
            method,
            path,
            &[("Content-Type", "application/json")],
            Some(b"{}"),
        );
        assert_eq!(r.status, 401, "{method} {path}");
        let body = r.json();
        match shape {
            "gateway" => assert_eq!(body["type"], "UNAUTHORIZED"),
            "search" => assert_eq!(body["error-code"], "401"),
            _ => {
                assert_eq!(
                    body["type"], "https://developer.nexmo.com/api-errors#unauthorized",
                    "{method} {path}"
                );
                assert!(body["detail"].is_string() && body["instance"].is_string());
            }
        }
        assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    }
    assert_eq!(
        get(&srv, "/search/rejections?date=2024-01-01&to=1").status,
        401
    );
}

#[test]
fn right_credentials_get_past_auth() {
    let srv = sim(json!({}));
    let jwt_routes = [
        ("GET", "/v1/conversations/CON-1"),
        ("GET", "/v0.1/conversations/CON-1/events/1"),
        ("GET", "/v3/media/m1"),
    ];
    for (method, path) in jwt_routes {
        let r = request(&srv, method, path, &[("Authorization", &bearer())], None);
        assert_eq!(r.status, 404, "{method} {path}");
    }
    assert_eq!(get_basic(&srv, "/v2/reports/r1").status, 404);
    assert_eq!(get_basic(&srv, "/v3/media/m1").status, 404);
    assert_eq!(
        request(
            &srv,
            "DELETE",
            "/v2/reports/r1",
            &[("Authorization", &basic())],
            None
        )
        .status,
        404
    );
    let r = request(
        &srv,
        "GET",
        "/v0.1/legs?page_size=500",
        &[("Authorization", &bearer())],
        None,
    );
    assert_eq!(r.status, 422);
}

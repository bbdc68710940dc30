//! Media and Conversation routes: JWT checks, 200/204/404, v1 and v0.1 shapes.

use crate::common::*;
use serde_json::json;

fn seeded() -> erasekit_sim::SimServer {
    let srv = sim(json!({}));
    seed(
        &srv,
        json!({
            "records": [{"product": "voice", "id": "CALL-1", "conversation_id": "CON-1",
                          "legs": [{"id": "LEG-1"}, {"id": "LEG-2"}],
                          "recordings": [{"id": "bbbbbbbb-aaaa-cccc-dddd-0123456789ab", "media_size": 1234}]}],
            "media": [{"id": "aaaaaaaa-bbbb-cccc-dddd-0123456789ab", "original_file_name": "test.wav", "mime_type": "audio/vnd.wave"}],
            "users": [
                {"id": "USR-1", "name": "alice", "display_name": "Alice A"},
                {"id": "USR-2", "name": "bob"}
            ],
            "conversations": [
                {"id": "CON-1", "name": "chat", "events": [{"type": "text", "from": "MEM-1", "body": {"text": "hello"}}, {"type": "text", "body": {"text": "again"}}]},
                {"id": "CON-2", "events": [{"id": 5, "type": "custom:note"}]}
            ]
        }),
    );
    srv
}

fn with_jwt(srv: &erasekit_sim::SimServer, method: &str, path: &str, body: Option<&str>) -> Resp {
    let auth = bearer();
    let mut headers = vec![("Authorization", auth.as_str())];
    if body.is_some() {
        headers.push(("Content-Type", "application/json"));
    }
    request(srv, method, path, &headers, body.map(str::as_bytes))
}

#[test]
fn media_info_delete_and_list() {
    let srv = seeded();
    let id = "aaaaaaaa-bbbb-cccc-dddd-0123456789ab";
    let r = with_jwt(&srv, "GET", &format!("/v3/media/{id}/info"), None);
    assert_eq!(r.status, 200);
    let m = r.json();
    for field in [
        "id",
        "original_file_name",
        "mime_type",
        "account_id",
        "store_id",
        "max_downloads_allowed",
        "times_downloaded",
        "etag",
        "media_size",
        "time_created",
        "time_last_updated",
        "public",
    ] {
        assert!(m.get(field).is_some(), "missing {field}");
    }
    assert_eq!(m["original_file_name"], "test.wav");
    let list = with_jwt(&srv, "GET", "/v3/media?order=ascending&page_size=1", None).json();
    assert_eq!(list["count"], 2);
    assert_eq!(list["_embedded"]["media"].as_array().map(Vec::len), Some(1));
    assert!(list["_links"]["next"]["href"].is_string());
    assert_eq!(
        with_jwt(&srv, "DELETE", &format!("/v3/media/{id}"), None).status,
        204
    );
    assert_eq!(
        with_jwt(&srv, "DELETE", &format!("/v3/media/{id}"), None).status,
        404
    );
    assert_eq!(
        with_jwt(&srv, "GET", &format!("/v3/media/{id}/info"), None).status,
        404
    );
    // Basic is accepted on Media too.
    let rec = "bbbbbbbb-aaaa-cccc-dddd-0123456789ab";
    let r = request(
        &srv,
        "DELETE",
        &format!("/v3/media/{rec}"),
        &[("Authorization", &basic())],
        None,
    );
    assert_eq!(r.status, 204);
    assert_eq!(state(&srv)["deleted"]["media"], json!([id, rec]));
    assert_eq!(
        with_jwt(&srv, "GET", "/v3/media?order=sideways", None).status,
        422
    );
}

#[test]
fn jwt_failures_are_401() {
    let srv = seeded();
    let path = "/v3/media/aaaaaaaa-bbbb-cccc-dddd-0123456789ab";
    let other = format!("Bearer {}", sign(&claims(APP_ID, 600), true));
    let expired = format!("Bearer {}", sign(&claims(APP_ID, -600), false));
    let wrong_app = format!(
        "Bearer {}",
        sign(&claims("00000000-0000-4000-8000-000000000000", 600), false)
    );
    let no_jti = format!(
        "Bearer {}",
        sign(&json!({"application_id": APP_ID, "iat": 1}), false)
    );
    for auth in [
        other.as_str(),
        expired.as_str(),
        wrong_app.as_str(),
        no_jti.as_str(),
        "Bearer not.a.jwt",
        "Bearer",
        "Basic c2ltLWtleTpub3Bl",
    ] {
        let r = request(&srv, "DELETE", path, &[("Authorization", auth)], None);
        assert_eq!(r.status, 401, "{auth}");
        assert_eq!(r.json()["title"], "Unauthorized");
    }
    assert_eq!(request(&srv, "DELETE", path, &[], None).status, 401);
    assert_eq!(
        request(
            &srv,
            "DELETE",
            "/v1/users/USR-1",
            &[("Authorization", &basic())],
            None
        )
        .status,
        401
    );
    // Nothing was deleted by the refused calls.
    assert_eq!(state(&srv)["deleted"]["media"], json!([]));
}

#[test]
fn users_v1_and_v01() {
    let srv = seeded();
    let r = with_jwt(
        &srv,
        "PATCH",
        "/v1/users/USR-1",
        Some(r#"{"display_name":"REDACTED","image_url":null,"properties":{"custom_data":{}}}"#),
    );
    assert_eq!(r.status, 200);
    let u = r.json();
    assert_eq!(
        (u["id"].as_str(), u["display_name"].as_str()),
        (Some("USR-1"), Some("REDACTED"))
    );
    assert!(u["_links"]["self"]["href"]
        .as_str()
        .is_some_and(|h| h.ends_with("/v1/users/USR-1")));
    assert_eq!(
        with_jwt(&srv, "PATCH", "/v1/users/USR-1", Some(r#"{"name":5}"#)).status,
        422
    );
    assert_eq!(
        with_jwt(&srv, "PATCH", "/v1/users/USR-1", Some("{oops")).status,
        400
    );
    assert_eq!(
        with_jwt(&srv, "PATCH", "/v1/users/USR-9", Some("{}")).status,
        404
    );
    let r = with_jwt(&srv, "PUT", "/v0.1/users/USR-2", Some(r#"{"name":"bob2"}"#));
    assert_eq!(r.status, 200);
    let body = r.json();
    assert_eq!(body["id"], "USR-2");
    assert!(body["href"]
        .as_str()
        .is_some_and(|h| h.ends_with("/v0.1/users/USR-2")));
    assert_eq!(
        with_jwt(&srv, "GET", "/v0.1/users/USR-2", None).json()["name"],
        "bob2"
    );
    assert_eq!(
        with_jwt(&srv, "DELETE", "/v1/users/USR-1", None).status,
        204
    );
    let r = with_jwt(&srv, "DELETE", "/v0.1/users/USR-2", None);
    assert_eq!((r.status, r.json()), (200, json!({})));
    assert_eq!(with_jwt(&srv, "GET", "/v1/users/USR-1", None).status, 404);
    assert_eq!(
        with_jwt(&srv, "DELETE", "/v0.1/users/USR-2", None).status,
        404
    );
    assert_eq!(state(&srv)["deleted"]["users"], json!(["USR-1", "USR-2"]));
}

#[test]
fn conversations_events_and_legs() {
    let srv = seeded();
    let ev = with_jwt(&srv, "GET", "/v1/conversations/CON-1/events/1", None);
    assert_eq!(ev.status, 200);
    assert_eq!(ev.json()["body"]["text"], "hello");
    assert_eq!(
        with_jwt(&srv, "DELETE", "/v1/conversations/CON-1/events/1", None).status,
        204
    );
    assert_eq!(
        with_jwt(&srv, "GET", "/v1/conversations/CON-1/events/1", None).status,
        404
    );
    assert_eq!(
        with_jwt(&srv, "DELETE", "/v1/conversations/CON-1/events/1", None).status,
        404
    );
    assert_eq!(
        with_jwt(&srv, "DELETE", "/v1/conversations/CON-1/events/abc", None).status,
        404
    );
    let r = with_jwt(&srv, "DELETE", "/v0.1/conversations/CON-2/events/5", None);
    assert_eq!((r.status, r.json()), (200, json!({})));
    assert_eq!(
        with_jwt(&srv, "GET", "/v0.1/conversations/CON-1", None).json()["uuid"],
        "CON-1"
    );
    assert_eq!(
        with_jwt(&srv, "DELETE", "/v1/conversations/CON-1", None).status,
        204
    );
    assert_eq!(
        with_jwt(&srv, "GET", "/v1/conversations/CON-1/events/2", None).status,
        404
    );
    let r = with_jwt(&srv, "DELETE", "/v0.1/conversations/CON-2", None);
    assert_eq!((r.status, r.json()), (200, json!({})));
    assert_eq!(
        with_jwt(&srv, "DELETE", "/v0.1/conversations/CON-2", None).status,
        404
    );

    let legs = with_jwt(&srv, "GET", "/v0.1/legs?page_size=1", None).json();
    assert_eq!(legs["count"], 2);
    assert_eq!(legs["_embedded"]["legs"][0]["conversation_uuid"], "CON-1");
    let r = with_jwt(&srv, "DELETE", "/v0.1/legs/LEG-1", None);
    assert_eq!((r.status, r.json()), (200, json!({})));
    assert_eq!(
        with_jwt(&srv, "DELETE", "/v0.1/legs/LEG-1", None).status,
        404
    );
    let st = state(&srv);
    assert_eq!(st["deleted"]["legs"], json!(["LEG-1"]));
    assert_eq!(
        st["deleted"]["events"],
        json!([{"conversation_id": "CON-1", "event_id": 1}, {"conversation_id": "CON-2", "event_id": 5}])
    );
    assert_eq!(st["deleted"]["conversations"], json!(["CON-1", "CON-2"]));
}

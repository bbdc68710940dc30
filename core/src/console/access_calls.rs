//! The calls an access job may send through the console (vonage-facts §3, §4; access.md §6):
//! Reports records (sync), report create / status / cancel / download (async), and Message
//! Search. Recognised from their parts and rebuilt in canonical form.
//!
//! The access job's own request builders (`core/src/access/requests.rs`, on the `access`
//! branch when this was written) write the same shapes; once both are on main the rebuild
//! here should call them, as the erasure side calls the job's builder.

use crate::console::access_params as p;
use crate::console::call::{method, no_body, no_query, recognise_with, refused, segments, Located};
use crate::error::{Error, Result};
use crate::vonage::api_base::{ApiBase, ApiFamily};
use crate::vonage::credentials::Credentials;
use crate::vonage::http::HttpRequest;
use serde_json::{Map, Value};

const FAMILIES: [ApiFamily; 2] = [ApiFamily::Reports, ApiFamily::Search];

/// How the server authorises a rebuilt access call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AccessAuth {
    /// `Authorization: Basic` (Reports, all operations).
    Basic,
    /// `api_key` and `api_secret` in the query, as the Message Search spec documents.
    SearchQuery,
}

/// A recognised access call, in canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AccessCall {
    pub(crate) family: ApiFamily,
    pub(crate) method: &'static str,
    /// The path under the family's base, ids percent-encoded.
    pub(crate) path: String,
    /// The canonical query, without credentials; empty for none.
    pub(crate) query: String,
    pub(crate) body: Option<Vec<u8>>,
    /// The Reports product, `sms` for Message Search, `reports` for a report's own calls.
    pub(crate) product: String,
    /// Transaction, report or file ids the call names (never a phone number).
    pub(crate) ids: Vec<String>,
    pub(crate) auth: AccessAuth,
    /// A report download answers with a zip, not JSON.
    pub(crate) accept_any: bool,
}

/// Recognises `request` as one access call under `base`, or says why not.
pub(crate) fn recognise(request: &HttpRequest, base: &ApiBase) -> Result<AccessCall> {
    recognise_with(request, base, &FAMILIES, "an access job", shape)
}

fn shape(at: &Located<'_>, request: &HttpRequest) -> Result<AccessCall> {
    let segs = segments(at.path)?;
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    let m = request.method.as_ref();
    let call = |method, path: String, product: &str, ids| AccessCall {
        family: at.family,
        method,
        path,
        query: String::new(),
        body: None,
        product: product.to_owned(),
        ids,
        auth: AccessAuth::Basic,
        accept_any: false,
    };
    match (at.family, segs.as_slice()) {
        (ApiFamily::Reports, ["v2", "reports", "records"]) => {
            method(m, "GET")?;
            no_body(&request.body)?;
            let (query, product, ids) = records_query(at.query)?;
            let mut c = call("GET", "/v2/reports/records".into(), &product, ids);
            c.query = query;
            Ok(c)
        }
        (ApiFamily::Reports, ["v2", "reports"]) => {
            method(m, "POST")?;
            no_query(at.query)?;
            let (body, product) = create_body(&request.body)?;
            let mut c = call("POST", "/v2/reports".into(), &product, Vec::new());
            c.body = Some(body);
            Ok(c)
        }
        (ApiFamily::Reports, ["v2", "reports", id]) => {
            let verb = match m {
                "GET" => "GET",
                _ => method(m, "DELETE").map(|()| "DELETE")?,
            };
            report_call(at, request, id)?;
            let path = format!("/v2/reports/{id}");
            Ok(call(verb, path, "reports", vec![id.to_string()]))
        }
        (ApiFamily::Reports, ["v3", "media", id]) => {
            method(m, "GET")?;
            report_call(at, request, id)?;
            let mut c = call(
                "GET",
                format!("/v3/media/{id}"),
                "reports",
                vec![id.to_string()],
            );
            c.accept_any = true;
            Ok(c)
        }
        (ApiFamily::Search, ["search", op @ ("message" | "messages" | "rejections")]) => {
            method(m, "GET")?;
            no_body(&request.body)?;
            let (query, ids) = search_query(op, at.query)?;
            let mut c = call("GET", format!("/search/{op}"), "sms", ids);
            c.query = query;
            c.auth = AccessAuth::SearchQuery;
            Ok(c)
        }
        _ => Err(refused("path", "not a call an access job makes")),
    }
}

fn report_call(at: &Located<'_>, request: &HttpRequest, id: &str) -> Result<()> {
    p::report_id(id)?;
    no_query(at.query)?;
    no_body(&request.body)
}

/// The order the access job writes records parameters in (access.md §6).
const RECORDS_ORDER: &[&str] = &[
    "account_id",
    "product",
    "direction",
    "id",
    "date_start",
    "date_end",
    "to",
    "from",
    "number",
    "conversation_id",
    "include_message",
    "show_concatenated",
    "cursor",
    "iv",
];

/// A records query: by ids (≤ 20) or by a subject filter over a window, never the whole account;
/// or a next page (a `cursor`), which continues a query Vonage already holds.
fn records_query(query: Option<&str>) -> Result<(String, String, Vec<String>)> {
    let pairs = p::pairs(query)?;
    p::only_known(&pairs, RECORDS_ORDER)?;
    let mut out = Vec::new();
    let mut ids = Vec::new();
    for &name in RECORDS_ORDER {
        let Some(v) = p::single(&pairs, name)? else {
            continue;
        };
        match name {
            "account_id" => p::account(name, v)?,
            "product" => p::product(name, v)?,
            "direction" => p::direction(name, v)?,
            "id" => ids = p::id_list(name, v, 20)?,
            "date_start" | "date_end" => p::rfc3339(name, v)?,
            "include_message" | "show_concatenated" => p::flag(name, v).map(|_| ())?,
            "cursor" | "iv" => p::token(name, v)?,
            filter => p::filter_value(filter, v)?,
        }
        out.push(format!("{name}={}", p::enc(v)));
    }
    let has = |n: &str| pairs.iter().any(|(k, _)| k == n);
    if has("cursor") {
        // A next page (`_links.next.href` or cursor + iv): Vonage's cursor carries the query it
        // continues, and its link may hold nothing else (access.md §8).
        let product = p::single(&pairs, "product")?
            .unwrap_or("reports")
            .to_owned();
        return Ok((out.join("&"), product, ids));
    }
    let product = p::single(&pairs, "product")?
        .ok_or_else(|| refused("query", "product is required"))?
        .to_owned();
    if !has("account_id") {
        return Err(refused("query", "account_id is required"));
    }
    if has("date_start") != has("date_end") {
        return Err(refused("query", "date_start and date_end go together"));
    }
    let filters = p::FILTERS.iter().filter(|f| has(f)).count();
    if ids.is_empty() == (filters == 0) || filters > 1 {
        return Err(refused(
            "query",
            "a records query names the subject: either id or one of to, from, number, conversation_id",
        ));
    }
    if !ids.is_empty() && has("date_start") {
        return Err(refused("query", "an id query has no dates"));
    }
    Ok((out.join("&"), product, ids))
}

/// The create-report body keys in the order the access job writes them.
const CREATE_ORDER: &[&str] = &[
    "product",
    "account_id",
    "direction",
    "date_start",
    "date_end",
    "to",
    "from",
    "number",
    "conversation_id",
    "include_message",
    "show_concatenated",
    "include_subaccounts",
];

/// A create-report body: a subject filter and a period; no `callback_url` (Vonage would post
/// the report's status to any address it names).
fn create_body(body: &[u8]) -> Result<(Vec<u8>, String)> {
    let bad = |reason: &str| refused("body", reason.to_owned());
    let object: Map<String, Value> =
        serde_json::from_slice(body).map_err(|_| bad("a create-report body is one JSON object"))?;
    if object.contains_key("callback_url") {
        return Err(bad(
            "callback_url is refused: the report would be announced elsewhere",
        ));
    }
    if object.keys().any(|k| !CREATE_ORDER.contains(&k.as_str())) {
        return Err(bad(&format!(
            "only {} are allowed",
            CREATE_ORDER.join(", ")
        )));
    }
    let mut out = Map::new();
    for &name in CREATE_ORDER {
        let Some(value) = object.get(name) else {
            continue;
        };
        let as_body = |e: Error| match e {
            Error::ProxyRefused { reason, .. } => refused("body", reason),
            other => other,
        };
        match (name, value) {
            ("include_message" | "show_concatenated" | "include_subaccounts", Value::Bool(b)) => {
                if *b {
                    out.insert(name.to_owned(), Value::Bool(true));
                }
                continue;
            }
            (_, Value::String(v)) => match name {
                "product" => p::product(name, v),
                "account_id" => p::account(name, v),
                "direction" => p::direction(name, v),
                "date_start" | "date_end" => p::rfc3339(name, v),
                "include_message" | "show_concatenated" | "include_subaccounts" => {
                    Err(bad(&format!("{name} is a JSON boolean")))
                }
                filter => p::filter_value(filter, v),
            }
            .map_err(as_body)?,
            _ => return Err(bad(&format!("{name} has the wrong JSON type"))),
        }
        out.insert(name.to_owned(), value.clone());
    }
    let product = match out.get("product") {
        Some(Value::String(s)) => s.clone(),
        _ => return Err(bad("product is required")),
    };
    let filters = p::FILTERS.iter().filter(|f| out.contains_key(**f)).count();
    if filters != 1 || !out.contains_key("account_id") || !out.contains_key("date_start") {
        return Err(bad(
            "an async report names account_id, a period and exactly one subject filter",
        ));
    }
    // Written by hand in the fixed order (a JSON map would sort the keys).
    let fields: Vec<String> = CREATE_ORDER
        .iter()
        .filter_map(|k| out.get(*k).map(|v| format!("{}:{v}", Value::from(*k))))
        .collect();
    Ok((format!("{{{}}}", fields.join(",")).into_bytes(), product))
}

/// Message Search: `message?id=`, `messages?ids=…` (≤ 10, repeated) or `?date=&to=`,
/// `rejections?date=&to=` (vonage-facts §3).
fn search_query(op: &str, query: Option<&str>) -> Result<(String, Vec<String>)> {
    let pairs = p::pairs(query)?;
    let by_day = |pairs: &[(String, String)]| -> Result<String> {
        p::only_known(pairs, &["date", "to"])?;
        let date = p::single(pairs, "date")?.ok_or_else(|| refused("query", "date is required"))?;
        let to = p::single(pairs, "to")?.ok_or_else(|| refused("query", "to is required"))?;
        p::day("date", date)?;
        p::number("to", to)?;
        Ok(format!("date={}&to={}", p::enc(date), p::enc(to)))
    };
    match op {
        "message" => {
            p::only_known(&pairs, &["id"])?;
            let id = p::single(&pairs, "id")?.ok_or_else(|| refused("query", "id is required"))?;
            p::id("id", id)?;
            Ok((format!("id={}", p::enc(id)), vec![id.to_owned()]))
        }
        "messages" if pairs.iter().any(|(n, _)| n == "ids") => {
            p::only_known(&pairs, &["ids"])?;
            let ids: Vec<String> = pairs.into_iter().map(|(_, v)| v).collect();
            if ids.len() > 10 {
                return Err(refused("query", "ids must be at most 10 ids"));
            }
            ids.iter().try_for_each(|id| p::id("ids", id))?;
            let query: Vec<String> = ids.iter().map(|id| format!("ids={}", p::enc(id))).collect();
            Ok((query.join("&"), ids))
        }
        _ => Ok((by_day(&pairs)?, Vec::new())),
    }
}

/// The call rebuilt under `base` and authorised with the server's credentials.
pub(crate) fn build(
    call: &AccessCall,
    base: &ApiBase,
    credentials: &Credentials,
) -> Result<HttpRequest> {
    let mut url = format!("{}{}", base.url(call.family), call.path);
    let mut query = call.query.clone();
    let authorization = match call.auth {
        AccessAuth::Basic => credentials.basic_authorization()?,
        AccessAuth::SearchQuery => {
            let (key, secret) = key_and_secret(credentials)?;
            let creds = format!("api_key={}&api_secret={}", p::enc(&key), p::enc(&secret));
            query = if query.is_empty() {
                creds
            } else {
                format!("{creds}&{query}")
            };
            String::new()
        }
    };
    if !query.is_empty() {
        url.push('?');
        url.push_str(&query);
    }
    let mut request = HttpRequest::json_api(call.method, url, authorization, call.body.clone());
    if call.auth == AccessAuth::SearchQuery {
        request.headers.remove("authorization");
    }
    if call.accept_any {
        request.headers.insert("accept".into(), "*/*".into());
    }
    Ok(request)
}

/// The key and secret for Message Search's query-string auth, read back from the Basic header
/// (`Credentials` keeps the secret only there, so it is never stored twice).
fn key_and_secret(credentials: &Credentials) -> Result<(String, String)> {
    use base64::Engine;
    let missing = || Error::MissingCredentials {
        needed: "api_key+api_secret",
    };
    let header = credentials.basic_authorization()?;
    let encoded = header.strip_prefix("Basic ").ok_or_else(missing)?;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|_| missing())?;
    let text = String::from_utf8(raw).map_err(|_| missing())?;
    let (key, secret) = text.split_once(':').ok_or_else(missing)?;
    Ok((key.to_owned(), secret.to_owned()))
}

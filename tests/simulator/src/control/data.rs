//! Control routes that load, list and clear data.

use super::{body_json, error};
use crate::api::SimState;
use crate::faults::FaultPlan;
use crate::generate::{generate as generate_records, GenerateParams};
use crate::query::Query;
use crate::record_seed::SeedDocument;
use crate::records::{Direction, Product, Record, RecordKey};
use crate::reply::json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde_json::{json, Value};

/// `POST /_sim/seed`: loads a seed document (all or nothing); answers what it created.
pub async fn seed(State(sim): SimState, body: Body) -> Response {
    let doc: SeedDocument = match body_json(&sim, body).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let now = sim.clock.now_ms();
    let result = sim.store_mut().load(doc, &sim.account.api_key, now);
    match result {
        Ok(counts) => json(StatusCode::OK, &json!({"inserted": counts})),
        Err(e) => error(StatusCode::BAD_REQUEST, &e),
    }
}

fn record_json(r: &Record, redactions: u64) -> Value {
    let mut v = serde_json::to_value(r).unwrap_or(Value::Null);
    v["redactions"] = json!(redactions);
    v
}

/// `POST /_sim/generate`: adds `count` deterministic records; answers the first 20.
pub async fn generate(State(sim): SimState, body: Body) -> Response {
    let params: GenerateParams = match body_json(&sim, body).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    if params.count > crate::generate::MAX_GENERATE {
        return error(
            StatusCode::BAD_REQUEST,
            &format!("count is limited to {}", crate::generate::MAX_GENERATE),
        );
    }
    let now = sim.clock.now_ms();
    let mut sample = Vec::new();
    let mut inserted = 0;
    {
        let mut store = sim.store_mut();
        store.records.reserve(params.count);
        for r in generate_records(&params, now) {
            if sample.len() < 20 {
                sample.push(record_json(&r, 0));
            }
            store.records.insert(r.key(), r);
            inserted += 1;
        }
    }
    json(
        StatusCode::OK,
        &json!({"inserted": inserted, "sample": sample}),
    )
}

/// `GET /_sim/records?product=&type=&id=` (one record) or `?product=&type=&offset=&limit=`
/// (a page, oldest first).
pub async fn records(State(sim): SimState, uri: Uri) -> Response {
    let q = Query::parse(uri.query());
    let product = match q.first("product") {
        None => None,
        Some(p) => match Product::from_redact(p) {
            Some(p) => Some(p),
            None => return error(StatusCode::BAD_REQUEST, "unknown product"),
        },
    };
    let direction = match q.first("type") {
        None => None,
        Some(d) => match Direction::parse(d) {
            Some(d) => Some(d),
            None => return error(StatusCode::BAD_REQUEST, "type must be inbound or outbound"),
        },
    };
    let store = sim.store();
    if let Some(id) = q.first("id") {
        let Some(product) = product else {
            return error(StatusCode::BAD_REQUEST, "product is required with id");
        };
        let key = RecordKey::new(product, direction.unwrap_or(Direction::Outbound), id);
        return match store.records.get(&key) {
            Some(r) => json(
                StatusCode::OK,
                &json!({"record": record_json(r, store.redactions.get(&key).copied().unwrap_or(0))}),
            ),
            None => error(StatusCode::NOT_FOUND, "no such record"),
        };
    }
    let parse = |name: &str, default: usize| q.first(name).map_or(Ok(default), str::parse::<usize>);
    let (Ok(offset), Ok(limit)) = (parse("offset", 0), parse("limit", 100)) else {
        return error(StatusCode::BAD_REQUEST, "offset and limit must be integers");
    };
    let mut selected: Vec<&Record> = store
        .records
        .values()
        .filter(|r| product.map_or(true, |p| r.product == p))
        .filter(|r| direction.map_or(true, |d| r.direction == d))
        .collect();
    selected.sort_by(|a, b| (a.created_ms, &a.id).cmp(&(b.created_ms, &b.id)));
    let total = selected.len();
    let page: Vec<Value> = selected
        .into_iter()
        .skip(offset)
        .take(limit.min(10_000))
        .map(|r| record_json(r, store.redactions.get(&r.key()).copied().unwrap_or(0)))
        .collect();
    json(
        StatusCode::OK,
        &json!({"total": total, "offset": offset, "limit": limit.min(10_000), "records": page}),
    )
}

/// `POST /_sim/reset`: forgets all data, the log, counters, faults and rate-limit history.
/// The clock and settings stay as they are.
pub async fn reset(State(sim): SimState) -> Response {
    sim.store_mut().clear();
    sim.log.clear();
    sim.set_faults(FaultPlan::default());
    sim.reset_limiters();
    json(StatusCode::OK, &json!({"ok": true}))
}

//! The per-request pipeline around every route: CORS, the request log and counters, and fault
//! injection (latency, 429 storms, 5xx, dropped connections, truncated bodies).

use crate::app::Sim;
use crate::clock::wall_now_ms;
use crate::faults::{FaultAction, FaultDecision};
use crate::problem;
use crate::reply::AdmittedAt;
use crate::request_log::LogEntry;
use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http_body::Frame;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::Notify;

/// Largest response body a truncation fault will buffer.
const MAX_TRUNCATED_BODY: usize = 64 * 1024 * 1024;

/// Lets a handler close its connection without answering (a "dropped connection" fault).
#[derive(Debug, Clone)]
pub struct ConnectionKill(pub Arc<Notify>);

const ALLOW_METHODS: &str = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
const ALLOW_HEADERS: &str = "authorization, content-type, accept";
const EXPOSE_HEADERS: &str = "retry-after, content-disposition, content-length, content-type";

/// Adds CORS headers so browser builds can call the simulator from any origin.
fn add_cors(headers: &mut HeaderMap, requested: Option<HeaderValue>) {
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(ALLOW_METHODS),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        requested.unwrap_or(HeaderValue::from_static(ALLOW_HEADERS)),
    );
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(EXPOSE_HEADERS),
    );
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
}

/// The method as a bounded set of names (anything unusual counts as `OTHER`).
fn method_name(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// The middleware: wraps every route and the fallback.
pub async fn pipeline(State(sim): State<Arc<Sim>>, req: Request, next: Next) -> Response {
    if req.method() == Method::OPTIONS {
        let requested = req
            .headers()
            .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
            .filter(|v| v.len() <= 1024)
            .cloned();
        let private_network = req
            .headers()
            .get("access-control-request-private-network")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"));
        let mut resp = StatusCode::NO_CONTENT.into_response();
        add_cors(resp.headers_mut(), requested);
        if private_network {
            // Chromium's Private Network Access: pages may call this loopback server.
            resp.headers_mut().insert(
                "access-control-allow-private-network",
                HeaderValue::from_static("true"),
            );
        }
        return resp;
    }
    if req.uri().path().starts_with("/_sim/") || req.uri().path() == "/_sim" {
        let mut resp = next.run(req).await;
        add_cors(resp.headers_mut(), None);
        return resp;
    }
    let arrival_us = sim.elapsed_us();
    let wall_ms = wall_now_ms();
    let sim_ms = sim.clock.now_ms();
    let method = method_name(req.method());
    let template = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned());
    let route = match &template {
        Some(t) => format!("{method} {t}"),
        None => "UNMATCHED".to_owned(),
    };
    let path = req.uri().path().to_owned();
    let kill = req.extensions().get::<ConnectionKill>().cloned();
    let decision = match &template {
        Some(t) if sim.faults_active() => sim.faults.decide(t, &route, sim_ms),
        _ => FaultDecision::NONE,
    };
    let mut entry = LogEntry {
        seq: 0,
        t_us: arrival_us,
        wall_ms,
        sim_ms,
        method: method.to_owned(),
        path,
        route,
        status: 0,
        fault: (!decision.delay.is_zero()).then_some("latency"),
    };
    if !decision.delay.is_zero() {
        tokio::time::sleep(decision.delay).await;
    }
    let mut resp = match decision.action {
        FaultAction::Storm { retry_after_s } => {
            entry.fault = Some("storm");
            problem::injected_storm(template.as_deref().unwrap_or(""), retry_after_s)
        }
        FaultAction::Status(code) => {
            entry.fault = Some("error");
            problem::injected_status(
                StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            )
        }
        FaultAction::Drop {
            after_processing: false,
        } => {
            entry.fault = Some("drop");
            return drop_connection(&sim, entry, kill).await;
        }
        _ => next.run(req).await,
    };
    if let Some(AdmittedAt(at)) = resp.extensions().get::<AdmittedAt>() {
        entry.t_us = *at;
    }
    entry.status = resp.status().as_u16();
    match decision.action {
        FaultAction::Drop {
            after_processing: true,
        } => {
            entry.fault = Some("drop");
            return drop_connection(&sim, entry, kill).await;
        }
        FaultAction::Truncate => {
            let (truncated, done) = truncate(resp).await;
            resp = truncated;
            if done {
                entry.fault = Some("truncate");
            }
        }
        _ => {}
    }
    add_cors(resp.headers_mut(), None);
    sim.log.record(entry);
    resp
}

/// Closes the connection without a response (the handler future is dropped with it).
async fn drop_connection(sim: &Sim, entry: LogEntry, kill: Option<ConnectionKill>) -> Response {
    sim.log.record(entry);
    match kill {
        Some(ConnectionKill(notify)) => {
            notify.notify_one();
            std::future::pending::<Response>().await
        }
        // Not served by our own connection loop: the best stand-in is a 503.
        None => problem::injected_status(StatusCode::SERVICE_UNAVAILABLE),
    }
}

/// Re-sends `resp` with its full `Content-Length` but only half its body, then fails the body so
/// the connection closes. Returns `(response, whether it was cut)`; empty bodies are not cut.
async fn truncate(resp: Response) -> (Response, bool) {
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_TRUNCATED_BODY).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR.into_response(), false);
    };
    if bytes.is_empty() {
        return (Response::from_parts(parts, Body::empty()), false);
    }
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    let half = bytes.slice(..bytes.len() / 2);
    let body = TruncatedBody {
        chunk: Some(half),
        pause: None,
    };
    (Response::from_parts(parts, Body::new(body)), true)
}

/// A body that yields one chunk, pauses (so the chunk is flushed), then fails.
struct TruncatedBody {
    chunk: Option<Bytes>,
    pause: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl http_body::Body for TruncatedBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        let this = self.get_mut();
        if let Some(chunk) = this.chunk.take() {
            if !chunk.is_empty() {
                return Poll::Ready(Some(Ok(Frame::data(chunk))));
            }
        }
        let pause = this
            .pause
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(Duration::from_millis(20))));
        match pause.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => Poll::Ready(Some(Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionAborted,
                "response truncated by the simulator's fault plan",
            )))),
        }
    }
}

//! A small HTTP/1.1 load generator for the simulator benchmark (`bench/simulator/run.sh`).
//!
//! It keeps `--connections` keep-alive connections busy with one request in flight each,
//! until `--requests` responses have arrived, then prints a JSON summary: requests per second,
//! status counts, latency percentiles and (with `--pid`) the server's resident memory sampled
//! every half second. Loopback only.
//!
//! ```text
//! cargo run --release -p erasekit-sim --example loadgen -- --url http://127.0.0.1:PORT \
//!     [--requests 1000000] [--connections 64] [--mode redact|health|records] [--pid PID]
//! ```

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// What to send.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    /// `POST /v1/redact/transaction` for a seeded record (204).
    Redact,
    /// `GET /_sim/health` (200, tiny JSON).
    Health,
    /// `GET /v2/reports/records?...&id=BENCH1` (200, one record).
    Records,
}

struct Options {
    addr: String,
    host: String,
    requests: u64,
    connections: usize,
    mode: Mode,
    pid: Option<u32>,
}

fn parse_options() -> Result<Options, String> {
    let mut url = None;
    let mut requests = 1_000_000u64;
    let mut connections = 64usize;
    let mut mode = Mode::Redact;
    let mut pid = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--url" => url = Some(value()?),
            "--requests" => requests = value()?.parse().map_err(|_| "bad --requests")?,
            "--connections" => connections = value()?.parse().map_err(|_| "bad --connections")?,
            "--pid" => pid = Some(value()?.parse().map_err(|_| "bad --pid")?),
            "--mode" => {
                mode = match value()?.as_str() {
                    "redact" => Mode::Redact,
                    "health" => Mode::Health,
                    "records" => Mode::Records,
                    m => return Err(format!("unknown mode {m}")),
                }
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let url = url.ok_or("--url is required")?;
    let host = url
        .strip_prefix("http://")
        .ok_or("--url must start with http://")?
        .trim_end_matches('/')
        .to_owned();
    let ip = host.rsplit_once(':').map_or(host.as_str(), |(h, _)| h);
    if !(ip.starts_with("127.") || ip == "[::1]" || ip == "localhost") {
        return Err("the load generator only targets loopback addresses".into());
    }
    Ok(Options {
        addr: host.replace("localhost", "127.0.0.1"),
        host,
        requests,
        connections: connections.max(1),
        mode,
        pid,
    })
}

fn request_bytes(o: &Options) -> Vec<u8> {
    let auth = STANDARD.encode("sim-key:sim-secret");
    match o.mode {
        Mode::Redact => {
            let body = r#"{"id":"BENCH1","product":"sms","type":"outbound"}"#;
            format!(
                "POST /v1/redact/transaction HTTP/1.1\r\nHost: {}\r\nAuthorization: Basic {auth}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                o.host,
                body.len()
            )
        }
        Mode::Health => format!("GET /_sim/health HTTP/1.1\r\nHost: {}\r\n\r\n", o.host),
        Mode::Records => format!(
            "GET /v2/reports/records?product=SMS&direction=outbound&id=BENCH1 HTTP/1.1\r\nHost: {}\r\nAuthorization: Basic {auth}\r\n\r\n",
            o.host
        ),
    }
    .into_bytes()
}

/// Reads one response; returns its status. Errors end the connection.
async fn read_response(stream: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<u16> {
    let bad = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_owned());
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = std::str::from_utf8(&buf[..end]).map_err(|_| bad("head not UTF-8"))?;
            let status: u16 = head
                .split(' ')
                .nth(1)
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| bad("no status"))?;
            let len = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            let total = end + 4 + len;
            while buf.len() < total {
                let n = stream.read(&mut chunk).await?;
                if n == 0 {
                    return Err(bad("closed mid-body"));
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            buf.drain(..total);
            return Ok(status);
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(bad("closed"));
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

#[derive(Default)]
struct Tally {
    statuses: BTreeMap<u16, u64>,
    errors: u64,
    /// Latency histogram in 10 µs buckets (last bucket: 100 ms and more).
    latency: Vec<u64>,
}

fn percentile(hist: &[u64], p: f64) -> f64 {
    let total: u64 = hist.iter().sum();
    let target = (total as f64 * p).ceil() as u64;
    let mut seen = 0;
    for (i, n) in hist.iter().enumerate() {
        seen += n;
        if seen >= target {
            return (i as f64 + 1.0) * 0.01;
        }
    }
    hist.len() as f64 * 0.01
}

fn main() {
    let o = match parse_options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("loadgen: {e}");
            std::process::exit(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run(o));
}

async fn run(o: Options) {
    let req: Arc<[u8]> = request_bytes(&o).into();
    let issued = Arc::new(AtomicU64::new(0));
    let tally = Arc::new(Mutex::new(Tally {
        latency: vec![0; 10_001],
        ..Tally::default()
    }));
    let rss = Arc::new(Mutex::new(Vec::<u64>::new()));
    let sampler = o.pid.map(|pid| {
        let rss = rss.clone();
        tokio::spawn(async move {
            loop {
                if let Some(kib) = rss_kib(pid) {
                    rss.lock().expect("rss").push(kib);
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        })
    });
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..o.connections {
        let (req, issued, tally, addr, total) = (
            req.clone(),
            issued.clone(),
            tally.clone(),
            o.addr.clone(),
            o.requests,
        );
        tasks.push(tokio::spawn(async move {
            let mut local = Tally {
                latency: vec![0; 10_001],
                ..Tally::default()
            };
            let mut conn: Option<TcpStream> = None;
            let mut buf = Vec::with_capacity(16 * 1024);
            while issued.fetch_add(1, Ordering::Relaxed) < total {
                if conn.is_none() {
                    match TcpStream::connect(&addr).await {
                        Ok(s) => {
                            let _ = s.set_nodelay(true);
                            conn = Some(s);
                            buf.clear();
                        }
                        Err(_) => {
                            local.errors += 1;
                            continue;
                        }
                    }
                }
                let Some(stream) = conn.as_mut() else {
                    continue;
                };
                let t = Instant::now();
                let result = match stream.write_all(&req).await {
                    Ok(()) => read_response(stream, &mut buf).await,
                    Err(e) => Err(e),
                };
                match result {
                    Ok(status) => {
                        *local.statuses.entry(status).or_default() += 1;
                        let bucket = (t.elapsed().as_micros() / 10).min(10_000) as usize;
                        local.latency[bucket] += 1;
                    }
                    Err(_) => {
                        local.errors += 1;
                        conn = None;
                    }
                }
            }
            let mut t = tally.lock().expect("tally");
            for (s, n) in local.statuses {
                *t.statuses.entry(s).or_default() += n;
            }
            t.errors += local.errors;
            for (i, n) in local.latency.iter().enumerate() {
                t.latency[i] += n;
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    if let Some(s) = sampler {
        s.abort();
    }
    let o_pid = o.pid;
    let final_rss = o_pid.and_then(rss_kib);
    let t = tally.lock().expect("tally");
    let done: u64 = t.statuses.values().sum();
    let samples = rss.lock().expect("rss").clone();
    let rss_json = if samples.is_empty() {
        "null".to_owned()
    } else {
        let first = samples[0];
        let max = samples.iter().copied().max().unwrap_or(0);
        let mid = samples[samples.len() / 2];
        format!(
            "{{\"first_kib\":{first},\"middle_kib\":{mid},\"last_kib\":{},\"max_kib\":{max},\"samples\":{}}}",
            final_rss.unwrap_or(*samples.last().unwrap_or(&0)),
            samples.len()
        )
    };
    let statuses: Vec<String> = t
        .statuses
        .iter()
        .map(|(s, n)| format!("\"{s}\":{n}"))
        .collect();
    println!(
        "{{\"mode\":\"{:?}\",\"requests\":{done},\"errors\":{},\"connections\":{},\"seconds\":{elapsed:.2},\"req_per_s\":{:.0},\"p50_ms\":{:.2},\"p99_ms\":{:.2},\"statuses\":{{{}}},\"server_rss\":{rss_json}}}",
        o.mode,
        t.errors,
        o.connections,
        done as f64 / elapsed,
        percentile(&t.latency, 0.50),
        percentile(&t.latency, 0.99),
        statuses.join(",")
    );
}

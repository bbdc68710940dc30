//! Listening, serving connections, and stopping: [`start`] runs the simulator on its own
//! threads and returns a [`SimServer`] handle.

use crate::api::router;
use crate::app::Sim;
use crate::config::SimConfig;
use crate::pipeline::ConnectionKill;
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::fmt;
use std::net::{SocketAddr, TcpListener as StdListener};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify};
use tower::ServiceExt;

/// Largest request head (request line plus headers) accepted; larger gets 431.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;
/// A client must finish sending its headers within this time.
const HEADER_TIMEOUT: Duration = Duration::from_secs(30);
/// How long in-flight connections get to finish when stopping.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);

/// Why the simulator could not start.
#[derive(Debug)]
pub enum SimError {
    /// The configuration is invalid.
    Config(String),
    /// Binding or starting threads failed.
    Io(std::io::Error),
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::Config(e) => write!(f, "invalid simulator configuration: {e}"),
            SimError::Io(e) => write!(f, "simulator I/O error: {e}"),
        }
    }
}

impl std::error::Error for SimError {}

impl From<std::io::Error> for SimError {
    fn from(e: std::io::Error) -> Self {
        SimError::Io(e)
    }
}

/// A running simulator. Dropping it stops the simulator too.
#[derive(Debug)]
pub struct SimServer {
    base_url: String,
    addr: SocketAddr,
    sim: Arc<Sim>,
    stop: watch::Sender<bool>,
    thread: Option<JoinHandle<()>>,
}

impl SimServer {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The live state, for in-process inspection.
    pub fn sim(&self) -> &Arc<Sim> {
        &self.sim
    }

    /// Stops accepting, lets in-flight requests finish (briefly), and joins the server thread.
    pub fn shutdown(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        let _ = self.stop.send(true);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for SimServer {
    fn drop(&mut self) {
        self.stop_now();
    }
}

/// Binds `config.listen` (loopback only), loads the configured data, and serves on a new
/// thread with its own Tokio runtime (so it works from sync and async callers alike).
pub fn start(config: SimConfig) -> Result<SimServer, SimError> {
    let addr: SocketAddr = config
        .listen
        .parse()
        .map_err(|_| SimError::Config(format!("listen: {:?} is not an IP:port", config.listen)))?;
    if !addr.ip().is_loopback() {
        return Err(SimError::Config(format!(
            "listen: {addr} is not a loopback address; the simulator only serves loopback"
        )));
    }
    let workers = config.worker_threads.unwrap_or(2).clamp(1, 64);
    let listener = StdListener::bind(addr)?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let base_url = format!("http://{addr}");
    let sim = Arc::new(Sim::new(config, base_url.clone()).map_err(SimError::Config)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .thread_name("erasekit-sim")
        .enable_all()
        .build()?;
    let (stop, stopped) = watch::channel(false);
    let app = router(sim.clone());
    let thread = std::thread::Builder::new()
        .name("erasekit-sim-accept".into())
        .spawn(move || {
            runtime.block_on(async move {
                match TcpListener::from_std(listener) {
                    Ok(listener) => serve(listener, app, stopped).await,
                    Err(e) => eprintln!("erasekit-sim: cannot listen: {e}"),
                }
            });
            runtime.shutdown_timeout(Duration::from_millis(100));
        })?;
    Ok(SimServer {
        base_url,
        addr,
        sim,
        stop,
        thread: Some(thread),
    })
}

/// Accepts connections until `stop` turns true, then drains them.
async fn serve(listener: TcpListener, app: Router, mut stop: watch::Receiver<bool>) {
    let live = Arc::new(());
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    let app = app.clone();
                    let stop = stop.clone();
                    let token = live.clone();
                    tokio::spawn(async move {
                        serve_connection(stream, app, stop).await;
                        drop(token);
                    });
                }
                // Out of file descriptors and the like: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
        }
    }
    drop(listener);
    let deadline = tokio::time::Instant::now() + DRAIN_TIMEOUT;
    while Arc::strong_count(&live) > 1 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Serves one HTTP/1.1 connection; closes it abruptly when a handler pulls the kill switch.
async fn serve_connection(stream: TcpStream, app: Router, mut stop: watch::Receiver<bool>) {
    let kill = Arc::new(Notify::new());
    let kill_for_requests = kill.clone();
    let service =
        hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
            req.extensions_mut()
                .insert(ConnectionKill(kill_for_requests.clone()));
            app.clone().oneshot(req)
        });
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_buf_size(MAX_HEAD_BYTES)
        .max_header_size(MAX_HEAD_BYTES)
        .serve_connection(TokioIo::new(stream), service);
    let mut conn = std::pin::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = kill.notified() => {}
        _ = async { drop(stop.wait_for(|s| *s).await) } => {
            conn.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(DRAIN_TIMEOUT, conn.as_mut()).await;
        }
    }
}

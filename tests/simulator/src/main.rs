//! The `erasekit-sim` program: `erasekit-sim --listen 127.0.0.1:0 [--config sim.json]
//! [--print-port-file PATH]`. Prints exactly one line, `erasekit-sim listening on
//! http://127.0.0.1:PORT`, and stops cleanly on SIGTERM or SIGINT.

use erasekit_sim::{start, SimConfig, SimError};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str =
    "usage: erasekit-sim [--listen 127.0.0.1:PORT] [--config FILE.json] [--print-port-file PATH]

  --listen ADDR            loopback address to listen on (default 127.0.0.1:0, a free port)
  --config FILE            JSON configuration (see tests/simulator/README.md)
  --print-port-file PATH   also write the chosen port number to PATH
  --help                   this text";

struct Args {
    listen: Option<String>,
    config: Option<PathBuf>,
    port_file: Option<PathBuf>,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut args = Args {
        listen: None,
        config: None,
        port_file: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--listen" => args.listen = Some(value()?),
            "--config" => args.config = Some(PathBuf::from(value()?)),
            "--print-port-file" => args.port_file = Some(PathBuf::from(value()?)),
            "--help" | "-h" => return Ok(None),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Some(args))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(Some(a)) => a,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("erasekit-sim: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut config = match &args.config {
        Some(path) => match SimConfig::from_file(path) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("erasekit-sim: {e}");
                return ExitCode::from(2);
            }
        },
        None => SimConfig::default(),
    };
    if let Some(listen) = args.listen {
        config.listen = listen;
    }
    // Listen for signals before announcing the URL, so a client that stops the simulator
    // right after reading the line never meets the default (abrupt) signal action.
    let Some((runtime, signals)) = install_signal_handlers() else {
        return ExitCode::from(1);
    };
    let server = match start(config) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("erasekit-sim: {e}");
            return match e {
                SimError::Config(_) => ExitCode::from(2),
                SimError::Io(_) => ExitCode::from(1),
            };
        }
    };
    if let Some(path) = &args.port_file {
        if let Err(e) = std::fs::write(path, format!("{}\n", server.addr().port())) {
            eprintln!("erasekit-sim: cannot write {}: {e}", path.display());
            return ExitCode::from(1);
        }
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "erasekit-sim listening on {}", server.base_url());
    let _ = out.flush();
    drop(out);
    runtime.block_on(signals.wait());
    server.shutdown();
    ExitCode::SUCCESS
}

/// SIGINT and SIGTERM listeners, registered up front.
struct Signals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Signals {
    /// Resolves on the first SIGINT or SIGTERM.
    async fn wait(mut self) {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => {}
                _ = self.terminate.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = &mut self;
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// A small runtime for waiting on signals, with the handlers already installed.
fn install_signal_handlers() -> Option<(tokio::runtime::Runtime, Signals)> {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("erasekit-sim: cannot start the signal runtime: {e}");
            return None;
        }
    };
    let signals = {
        let _guard = runtime.enter();
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            match (
                signal(SignalKind::interrupt()),
                signal(SignalKind::terminate()),
            ) {
                (Ok(interrupt), Ok(terminate)) => Signals {
                    interrupt,
                    terminate,
                },
                (Err(e), _) | (_, Err(e)) => {
                    eprintln!("erasekit-sim: cannot listen for signals: {e}");
                    return None;
                }
            }
        }
        #[cfg(not(unix))]
        {
            Signals {}
        }
    };
    Some((runtime, signals))
}

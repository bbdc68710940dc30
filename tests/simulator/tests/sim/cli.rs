//! The program itself: the one URL line, `--config`, `--print-port-file`, clean stop on SIGTERM.

use serde_json::json;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[cfg(unix)]
#[test]
fn prints_one_line_and_stops_on_sigterm() {
    let dir = std::env::temp_dir().join(format!("erasekit-sim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let config = dir.join("sim.json");
    let port_file = dir.join("port");
    std::fs::write(&config, json!({"rate_limits": {"redact": 3}}).to_string()).expect("config");
    let mut child = Command::new(env!("CARGO_BIN_EXE_erasekit-sim"))
        .args(["--listen", "127.0.0.1:0", "--config"])
        .arg(&config)
        .arg("--print-port-file")
        .arg(&port_file)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawns");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("reads the line");
    let url = line
        .trim_end()
        .strip_prefix("erasekit-sim listening on ")
        .expect("the URL line")
        .to_owned();
    let port = std::fs::read_to_string(&port_file).expect("port file");
    assert_eq!(url, format!("http://127.0.0.1:{}", port.trim()));
    let addr: std::net::SocketAddr = url.trim_start_matches("http://").parse().expect("addr");
    let reply = crate::common::raw(
        addr,
        b"GET /_sim/settings HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(String::from_utf8_lossy(&reply).contains("\"redact\":3"));
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let exit = child.wait().expect("exits");
    assert!(exit.success(), "{exit:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_arguments_and_config_exit_2() {
    let bin = env!("CARGO_BIN_EXE_erasekit-sim");
    let out = Command::new(bin).arg("--nope").output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let out = Command::new(bin)
        .args(["--config", "/nonexistent/sim.json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(bin)
        .args(["--listen", "10.1.2.3:0"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
}

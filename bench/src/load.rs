//! Loopback load on the local server with `wrk`: requests per second and latency percentiles
//! for one customer's read and its authorisations view.

use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub struct Load {
    pub path: String,
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub requests: u64,
    pub non_2xx: u64,
}

/// A minimal HTTP/1.0 exchange (the harness needs two calls; wrk does the load).
async fn http(
    addr: &str,
    method: &str,
    path: &str,
    auth: Option<&str>,
    body: &str,
) -> Result<(u16, String)> {
    let mut s = TcpStream::connect(addr).await?;
    let mut req = format!(
        "{method} {path} HTTP/1.0\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(t) = auth {
        req.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).await?;
    let mut out = String::new();
    s.read_to_string(&mut out).await?;
    let status = out
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .context("no HTTP status")?;
    let body = out
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

fn json_str(body: &str, field: &str) -> Result<String> {
    let v: serde_json::Value =
        serde_json::from_str(body).with_context(|| format!("not JSON: {body}"))?;
    v.get(field)
        .and_then(|t| t.as_str())
        .map(str::to_owned)
        .with_context(|| format!("no {field} in {body}"))
}

/// wrk's `Latency` percentile lines ("50%  412.00us") in milliseconds.
fn percentile(out: &str, p: &str) -> Option<f64> {
    let line = out.lines().find(|l| l.trim_start().starts_with(p))?;
    let v = line.split_whitespace().nth(1)?;
    let (num, unit) = v.split_at(v.find(|c: char| c.is_ascii_alphabetic())?);
    let num: f64 = num.parse().ok()?;
    Some(match unit {
        "us" => num / 1000.0,
        "ms" => num,
        "s" => num * 1000.0,
        "m" => num * 60_000.0,
        _ => return None,
    })
}

/// Starts the local server, signs in as anna, creates one customer and puts `seconds` of wrk
/// load with `connections` connections on its read and on its authorisations view.
pub async fn run(
    server: &Path,
    root: &Path,
    seconds: u64,
    connections: u32,
    work: &Path,
) -> Result<Vec<Load>> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut child = start_server(server, root, port, work)?;
    let result = async {
        wait_until_listening(&addr, &mut child).await?;
        let (token, id) = sign_in_and_create_customer(&addr).await?;
        let mut out = Vec::new();
        for path in [
            format!("/customers/{id}"),
            format!("/customers/{id}/authorisations"),
        ] {
            let (status, body) = http(&addr, "GET", &path, Some(&token), "").await?;
            anyhow::ensure!(status == 200, "GET {path} answered {status}: {body}");
            let text = wrk(&addr, &path, &token, seconds, connections).await?;
            out.push(parse_wrk(&text, path.replace(&id, "{id}"))?);
        }
        Ok(out)
    }
    .await;
    crate::runtime::stop_child(&mut child);
    result
}

fn start_server(server: &Path, root: &Path, port: u16, work: &Path) -> Result<Child> {
    let log = std::fs::File::create(work.join("local-server.log"))?;
    std::process::Command::new(server)
        .current_dir(root)
        .args(["--port", &port.to_string(), "--outbox"])
        .arg(work.join("load-outbox"))
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::from(log.try_clone()?))
        .stderr(Stdio::from(log))
        .spawn()
        .with_context(|| format!("starting {}", server.display()))
}

async fn wait_until_listening(addr: &str, child: &mut Child) -> Result<()> {
    let started = Instant::now();
    while TcpStream::connect(addr).await.is_err() {
        if started.elapsed() > Duration::from_secs(30) {
            bail!("local-server did not listen on {addr} within 30 s");
        }
        if let Ok(Some(status)) = child.try_wait() {
            bail!("local-server exited with {status}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

/// anna's token and the id of a new customer.
async fn sign_in_and_create_customer(addr: &str) -> Result<(String, String)> {
    let (status, body) = http(
        addr,
        "POST",
        "/dev/login",
        None,
        r#"{"specialistId":"anna"}"#,
    )
    .await?;
    anyhow::ensure!(status == 200, "POST /dev/login answered {status}: {body}");
    let token = json_str(&body, "token")?;
    let (status, body) = http(
        addr,
        "POST",
        "/customers",
        Some(&token),
        r#"{"type":"person","firstName":"Erika","lastName":"Mustermann","email":"erika@example.com","mobile":"0170 1234567"}"#,
    )
    .await?;
    anyhow::ensure!(status == 201, "POST /customers answered {status}: {body}");
    let id = json_str(&body, "id")?;
    Ok((token, id))
}

/// wrk's report of `seconds` of load on `path`.
async fn wrk(
    addr: &str,
    path: &str,
    token: &str,
    seconds: u64,
    connections: u32,
) -> Result<String> {
    let mut wrk = std::process::Command::new("wrk");
    wrk.args([
        "-t1",
        &format!("-c{connections}"),
        &format!("-d{seconds}s"),
        "--latency",
    ])
    .args(["-H", &format!("Authorization: Bearer {token}")])
    .arg(format!("http://{addr}{path}"));
    let wrk = tokio::task::spawn_blocking(move || wrk.output())
        .await?
        .context("running wrk (apt-get install wrk)")?;
    let text = String::from_utf8_lossy(&wrk.stdout).into_owned();
    anyhow::ensure!(
        wrk.status.success(),
        "wrk failed: {text}{}",
        String::from_utf8_lossy(&wrk.stderr)
    );
    Ok(text)
}

fn parse_wrk(text: &str, path: String) -> Result<Load> {
    let rps = text
        .lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .with_context(|| format!("no Requests/sec in wrk's output:\n{text}"))?;
    let requests = text
        .lines()
        .find(|l| l.contains("requests in"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let non_2xx = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Non-2xx or 3xx responses:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    Ok(Load {
        path,
        rps,
        p50_ms: percentile(text, "50%").context("no 50% line")?,
        p99_ms: percentile(text, "99%").context("no 99% line")?,
        requests,
        non_2xx,
    })
}

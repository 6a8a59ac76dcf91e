//! A small mock of the Lambda Runtime API (the part a custom runtime talks to) and a started
//! function process: the time from exec to its first `GET .../invocation/next` is its init,
//! the time from handing it an event to its `POST .../response` an invoke's duration.

use anyhow::{Context, Result, anyhow, bail};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::collections::HashMap;
use std::path::{Path as FsPath, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};

/// How long a process may take to ask for its first event, and an invoke to answer.
const INIT_TIMEOUT: Duration = Duration::from_secs(20);
const INVOKE_TIMEOUT: Duration = Duration::from_secs(60);

struct Invocation {
    id: String,
    event: Bytes,
}

#[derive(Debug)]
enum OutcomeKind {
    Response,
    Error,
    InitError,
}

#[derive(Debug)]
struct Outcome {
    id: String,
    at: Instant,
    kind: OutcomeKind,
    body: Bytes,
}

struct MockState {
    first_next: Mutex<Option<oneshot::Sender<Instant>>>,
    events: tokio::sync::Mutex<mpsc::Receiver<Invocation>>,
    served: Mutex<HashMap<String, Instant>>,
    outcomes: mpsc::UnboundedSender<Outcome>,
    /// Where to move the process when its first event is handed out (a cgroup's
    /// `cgroup.procs`), with its PID once started; taken at the first event.
    throttle: Mutex<Option<(PathBuf, u32)>>,
    /// Whether that move happened (or why not).
    throttled: Mutex<Option<Result<(), String>>>,
}

/// Moves the process into the CPU-quota cgroup, once, as the first event is handed out: init
/// runs at full CPU (as on Lambda), every invoke under the quota.
fn throttle_now(s: &MockState) {
    if let Some((procs, pid)) = s.throttle.lock().unwrap().take() {
        let moved = std::fs::write(&procs, pid.to_string())
            .map_err(|e| format!("writing PID to {}: {e}", procs.display()));
        *s.throttled.lock().unwrap() = Some(moved);
    }
}

async fn next(State(s): State<Arc<MockState>>) -> Response {
    let asked = Instant::now();
    if let Some(tx) = s.first_next.lock().unwrap().take() {
        let _ = tx.send(asked);
    }
    // Long poll, as the real API does: the answer is the next event.
    let inv = s.events.lock().await.recv().await;
    let Some(inv) = inv else {
        return StatusCode::GONE.into_response();
    };
    throttle_now(&s);
    let deadline = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis()
        + 900_000;
    let mut headers = HeaderMap::new();
    let h = |v: &str| HeaderValue::from_str(v).unwrap_or(HeaderValue::from_static("-"));
    headers.insert("content-type", h("application/json"));
    headers.insert("lambda-runtime-aws-request-id", h(&inv.id));
    headers.insert("lambda-runtime-deadline-ms", h(&deadline.to_string()));
    headers.insert(
        "lambda-runtime-invoked-function-arn",
        h("arn:aws:lambda:eu-central-1:123456789012:function:bench"),
    );
    headers.insert(
        "lambda-runtime-trace-id",
        h("Root=1-6921cc64-407d14e2db60b7edc5b5f8dd;Parent=53995c3f42cd8ad8;Sampled=0"),
    );
    s.served
        .lock()
        .unwrap()
        .insert(inv.id.clone(), Instant::now());
    (StatusCode::OK, headers, inv.event).into_response()
}

async fn response(
    State(s): State<Arc<MockState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> StatusCode {
    let _ = s.outcomes.send(Outcome {
        id,
        at: Instant::now(),
        kind: OutcomeKind::Response,
        body,
    });
    StatusCode::ACCEPTED
}

async fn error(State(s): State<Arc<MockState>>, Path(id): Path<String>, body: Bytes) -> StatusCode {
    let _ = s.outcomes.send(Outcome {
        id,
        at: Instant::now(),
        kind: OutcomeKind::Error,
        body,
    });
    StatusCode::ACCEPTED
}

async fn init_error(State(s): State<Arc<MockState>>, body: Bytes) -> StatusCode {
    let _ = s.outcomes.send(Outcome {
        id: String::new(),
        at: Instant::now(),
        kind: OutcomeKind::InitError,
        body,
    });
    StatusCode::ACCEPTED
}

/// What a function answered to one event.
#[derive(Debug, Clone)]
pub struct Invoked {
    pub duration: Duration,
    /// When the answer was posted.
    pub at: Instant,
    /// The HTTP status in the function's API Gateway answer, or why there is none.
    pub status: Result<u16, String>,
}

/// One started function process with its own mock Runtime API.
pub struct Started {
    pub init: Duration,
    /// Just before exec.
    pub exec: Instant,
    child: Child,
    events: mpsc::Sender<Invocation>,
    outcomes: mpsc::UnboundedReceiver<Outcome>,
    state: Arc<MockState>,
    server: tokio::task::JoinHandle<()>,
    seq: u64,
}

/// Starts `binary` with `env` (and nothing else of this process's environment) against a new
/// mock Runtime API, and waits until it asks for its first event. With `throttle` (a cgroup's
/// `cgroup.procs`), the process is moved there when its first event is handed out.
pub async fn start(
    binary: &FsPath,
    env: &[(String, String)],
    log: &FsPath,
    throttle: Option<&FsPath>,
) -> Result<Started> {
    let (first_tx, mut first_rx) = oneshot::channel();
    let (events_tx, events_rx) = mpsc::channel(1);
    let (outcomes_tx, outcomes_rx) = mpsc::unbounded_channel();
    let state = Arc::new(MockState {
        first_next: Mutex::new(Some(first_tx)),
        events: tokio::sync::Mutex::new(events_rx),
        served: Mutex::new(HashMap::new()),
        outcomes: outcomes_tx,
        throttle: Mutex::new(None),
        throttled: Mutex::new(None),
    });
    let app = mock_app(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let log_file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .with_context(|| format!("opening {}", log.display()))?;
    let mut cmd = Command::new(binary);
    cmd.env_clear()
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("AWS_LAMBDA_RUNTIME_API", addr.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::from(log_file.try_clone()?))
        .stderr(Stdio::from(log_file));
    let exec = Instant::now();
    let mut child = cmd
        .spawn()
        .with_context(|| format!("starting {}", binary.display()))?;
    if let Some(procs) = throttle {
        *state.throttle.lock().unwrap() = Some((procs.to_owned(), child.id()));
    }
    let waited = Instant::now();
    let asked = loop {
        tokio::select! {
            t = &mut first_rx => match t {
                Ok(t) => break t,
                Err(_) => {
                    stop_child(&mut child);
                    server.abort();
                    bail!("the mock runtime is gone");
                }
            },
            _ = tokio::time::sleep(Duration::from_millis(5)) => {
                if let Ok(Some(status)) = child.try_wait() {
                    server.abort();
                    bail!("{} exited during init with {status} (log: {})", binary.display(), log.display());
                }
                if waited.elapsed() > INIT_TIMEOUT {
                    stop_child(&mut child);
                    server.abort();
                    bail!("{} did not ask for an event within {INIT_TIMEOUT:?} (log: {})", binary.display(), log.display());
                }
            }
        }
    };
    Ok(Started {
        init: asked.duration_since(exec),
        exec,
        child,
        events: events_tx,
        outcomes: outcomes_rx,
        state,
        server,
        seq: 0,
    })
}

/// The mock's routes: the part of the Runtime API a custom runtime calls.
fn mock_app(state: Arc<MockState>) -> Router {
    Router::new()
        .route("/2018-06-01/runtime/invocation/next", get(next))
        .route(
            "/2018-06-01/runtime/invocation/{id}/response",
            post(response),
        )
        .route("/2018-06-01/runtime/invocation/{id}/error", post(error))
        .route("/2018-06-01/runtime/init/error", post(init_error))
        .with_state(state)
}

impl Started {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process was moved into the quota cgroup (`None`: not asked to, or no event
    /// handed out yet).
    pub fn throttled(&self) -> Option<Result<(), String>> {
        self.state.throttled.lock().unwrap().clone()
    }

    /// Hands the function one event and waits for its answer.
    pub async fn invoke(&mut self, event: &Bytes) -> Result<Invoked> {
        self.seq += 1;
        let id = format!("00000000-0000-4000-8000-{:012}", self.seq);
        self.events
            .send(Invocation {
                id: id.clone(),
                event: event.clone(),
            })
            .await
            .map_err(|_| anyhow!("the mock runtime is gone"))?;
        let waited = Instant::now();
        let outcome = loop {
            tokio::select! {
                o = self.outcomes.recv() => match o {
                    Some(o) => break o,
                    None => bail!("the mock runtime is gone"),
                },
                _ = tokio::time::sleep(Duration::from_millis(50)) => {
                    if let Ok(Some(status)) = self.child.try_wait() {
                        bail!("the function exited during an invoke with {status}");
                    }
                    if waited.elapsed() > INVOKE_TIMEOUT {
                        bail!("no answer to invocation {id} within {INVOKE_TIMEOUT:?}");
                    }
                }
            }
        };
        if outcome.id != id && !matches!(outcome.kind, OutcomeKind::InitError) {
            bail!("answer for {} while waiting for {id}", outcome.id);
        }
        let served = self
            .state
            .served
            .lock()
            .unwrap()
            .remove(&id)
            .context("event was answered before it was served")?;
        let status = match outcome.kind {
            OutcomeKind::Response => serde_json::from_slice::<serde_json::Value>(&outcome.body)
                .ok()
                .and_then(|v| v.get("statusCode").and_then(|s| s.as_u64()))
                .map(|s| s as u16)
                .ok_or_else(|| "answer without statusCode".to_owned()),
            OutcomeKind::Error => Err(format!("error: {}", String::from_utf8_lossy(&outcome.body))),
            OutcomeKind::InitError => Err(format!(
                "init error: {}",
                String::from_utf8_lossy(&outcome.body)
            )),
        };
        Ok(Invoked {
            duration: outcome.at.duration_since(served),
            at: outcome.at,
            status,
        })
    }

    /// Peak resident set size so far (VmHWM), in bytes.
    pub fn peak_rss(&self) -> Result<u64> {
        let pid = self.pid();
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        let line = status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))
            .context("no VmHWM in /proc/PID/status")?;
        let kb: u64 = line
            .split_whitespace()
            .nth(1)
            .context("VmHWM without a value")?
            .parse()?;
        Ok(kb * 1024)
    }

    pub async fn stop(mut self) {
        stop_child(&mut self.child);
        self.server.abort();
    }
}

/// SIGKILL and reap (a benchmark process has nothing to flush).
pub(crate) fn stop_child(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

impl Drop for Started {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            stop_child(&mut self.child);
        }
    }
}

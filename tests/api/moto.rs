//! DynamoDB (and SES, SNS, SQS, Cognito) on moto's server mode: a few motos per test process
//! (or those at `MOTO_ENDPOINTS` / `MOTO_ENDPOINT`), each test on one of them, and a fresh,
//! uniquely named table per test so that tests run in parallel without meeting.

use crate::helpers::Scan;
use aws_config::BehaviorVersion;
use aws_sdk_dynamodb::config::Credentials;
use futures::FutureExt;
use shared::adapters::counting::RequestCounter;
use shared::adapters::dynamo::{DynamoTable, counting_client, ensure_table};
use shared::ports::Table;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How long a freshly started moto may take to answer (it imports all of its services).
const STARTUP: Duration = Duration::from_secs(90);

/// How many motos the process starts when none is given: each serves one request at a time
/// (scripts/moto_server.py), so two keep both cores of the test machine busy.
const SHARDS: usize = 2;

/// The motos this process talks to: `MOTO_ENDPOINTS` (comma-separated), else `MOTO_ENDPOINT`,
/// else `SHARDS` of its own.
fn endpoints() -> &'static [String] {
    static ENDPOINTS: OnceLock<Vec<String>> = OnceLock::new();
    ENDPOINTS.get_or_init(|| {
        let given = std::env::var("MOTO_ENDPOINTS")
            .ok()
            .filter(|e| !e.trim().is_empty())
            .or_else(|| std::env::var("MOTO_ENDPOINT").ok());
        let parsed: Vec<String> = given
            .iter()
            .flat_map(|e| e.split(','))
            .map(|e| e.trim().trim_end_matches('/').to_owned())
            .filter(|e| !e.is_empty())
            .collect();
        if parsed.is_empty() {
            (0..SHARDS).map(|_| start_moto()).collect()
        } else {
            parsed
        }
    })
}

/// The moto of the running test. Everything one test creates and reads (its table, queue,
/// mails, user pool) must be on one moto, so the test's thread name, which libtest sets to the
/// test's path, picks it; tests run on current-thread runtimes, so their tasks share it.
pub fn endpoint() -> &'static str {
    let all = endpoints();
    let mut hasher = DefaultHasher::new();
    std::thread::current().name().hash(&mut hasher);
    &all[(hasher.finish() % all.len() as u64) as usize]
}

/// Starts `moto_server` from the project venv on a free port. A small shell wrapper watches
/// this process and stops moto when it is gone, since a Rust test binary has no hook at exit.
fn start_moto() -> String {
    let root = crate::helpers::project_root();
    let moto_server = root.join(".venv/bin/moto_server");
    let python = root.join(".venv/bin/python");
    // Requests one at a time, as DynamoDB applies them atomically: see the script.
    let launcher = root.join("scripts/moto_server.py");
    if !moto_server.exists() {
        panic!("moto is not installed: run scripts/setup-venv.sh (the test command does this)");
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free local port for moto")
        .port();
    let log = std::env::temp_dir().join(format!("moto-{port}.log"));
    let script = r#"
        "$1" "$4" -H 127.0.0.1 -p "$2" >"$3" 2>&1 </dev/null &
        moto=$!
        while kill -0 "$PPID" 2>/dev/null && kill -0 "$moto" 2>/dev/null; do sleep 1; done
        kill "$moto" 2>/dev/null
        wait "$moto"
    "#;
    let mut watcher = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg("moto-watcher")
        .arg(&python)
        .arg(port.to_string())
        .arg(&log)
        .arg(&launcher)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting moto_server");
    // Reaps the watcher should moto die while the tests still run.
    std::thread::spawn(move || watcher.wait());
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let started = Instant::now();
    while !answers(addr) {
        if started.elapsed() > STARTUP {
            let tail = std::fs::read_to_string(&log).unwrap_or_default();
            let tail: String = tail.lines().rev().take(20).collect::<Vec<_>>().join("\n");
            panic!(
                "moto_server did not answer on {addr} within {STARTUP:?}; log {}:\n{tail}",
                log.display()
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    format!("http://{addr}")
}

/// Whether an HTTP server answers on `addr` (moto's dashboard path needs no signature).
fn answers(addr: SocketAddr) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(1)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let request = format!("GET /moto-api/ HTTP/1.0\r\nHost: {addr}\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.")
}

/// The SDK configuration for the test's moto, built once per moto. It holds no HTTP client:
/// each `Client` built from it gets its own connection pool, on the runtime of its own test.
pub async fn sdk_config() -> aws_config::SdkConfig {
    static CONFIGS: Mutex<Option<HashMap<&'static str, aws_config::SdkConfig>>> = Mutex::new(None);
    let endpoint = endpoint();
    if let Some(config) = CONFIGS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get_or_insert_with(HashMap::new)
        .get(endpoint)
    {
        return config.clone();
    }
    let config = aws_config::defaults(BehaviorVersion::latest())
        .region("eu-central-1")
        .credentials_provider(Credentials::new("test", "test", None, None, "moto"))
        .endpoint_url(endpoint)
        .load()
        .await;
    CONFIGS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get_or_insert_with(HashMap::new)
        .insert(endpoint, config.clone());
    config
}

/// A new empty table on moto, with a client whose data requests are counted from zero
/// (creating the table and scanning it do not count).
pub async fn fresh_dynamo_table() -> (Arc<DynamoTable>, RequestCounter) {
    let conf = sdk_config().await;
    let name = format!("t-{}", uuid::Uuid::new_v4());
    let (client, counter) = counting_client(&conf);
    ensure_table(&client, &name)
        .await
        .unwrap_or_else(|e| panic!("creating table {name} on moto at {}: {e:#}", endpoint()));
    (Arc::new(DynamoTable::new(client, name)), counter)
}

pub async fn fresh_table() -> (Arc<dyn Table>, Scan, RequestCounter) {
    let (table, requests) = fresh_dynamo_table().await;
    let for_scan = table.clone();
    let scan: Scan = Arc::new(move || {
        let t = for_scan.clone();
        async move { t.scan_all().await.expect("scanning the moto table") }.boxed()
    });
    (table, scan, requests)
}

/// A Cognito client for the test's moto.
pub fn cognito_client() -> aws_sdk_cognitoidentityprovider::Client {
    let config = aws_sdk_cognitoidentityprovider::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(aws_sdk_cognitoidentityprovider::config::Region::new(
            "eu-central-1",
        ))
        .credentials_provider(Credentials::new("test", "test", None, None, "moto"))
        .endpoint_url(endpoint())
        .build();
    aws_sdk_cognitoidentityprovider::Client::from_conf(config)
}

/// A new user pool on the test's moto whose password policy also wants a digit, which the
/// product's own rules do not: a password our API accepts can break it. (The SDK leaves out
/// the `false` flags, which moto then reads as `true`: a password meant to break only the
/// digit rule has upper and lower case and a symbol, to mean the same on moto and Cognito.)
pub async fn pool_wanting_digits(client: &aws_sdk_cognitoidentityprovider::Client) -> String {
    use aws_sdk_cognitoidentityprovider::types::{
        PasswordPolicyType, UserPoolPolicyType, UsernameAttributeType,
    };
    let policy = PasswordPolicyType::builder()
        .minimum_length(12)
        .require_numbers(true)
        .require_lowercase(false)
        .require_uppercase(false)
        .require_symbols(false)
        .build();
    let pool = client
        .create_user_pool()
        .pool_name(format!("strict-{}", uuid::Uuid::new_v4()))
        .username_attributes(UsernameAttributeType::Email)
        .policies(
            UserPoolPolicyType::builder()
                .password_policy(policy)
                .build(),
        )
        .send()
        .await
        .unwrap_or_else(|e| panic!("creating a user pool on moto at {}: {e:?}", endpoint()));
    pool.user_pool().and_then(|p| p.id()).unwrap().to_owned()
}

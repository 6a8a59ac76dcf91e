//! `local-server`: the whole product on one machine. Embedded in-memory store, seeded
//! specialist directory and an outbox by default; with `--aws-endpoint URL` every AWS-backed
//! port talks to that endpoint (for example moto) instead.

use anyhow::Context;
use local_server::Setup;
use std::net::SocketAddr;
use std::path::PathBuf;

const USAGE: &str = "\
usage: local-server [--port N] [--host ADDR [--allow-remote]] [--outbox DIR] [--web DIR]
                    [--aws-endpoint URL] [--table NAME] [--access-model MODEL]

  --port N            port to listen on (default 3000, or env LOCAL_SERVER_PORT)
  --host ADDR         address to listen on (default 127.0.0.1); an address that other
                      machines can reach needs --allow-remote as well
  --allow-remote      listen on a non-loopback --host: anyone who can reach it can sign in
                      at /dev/login (requests must still name localhost in their Host)
  --outbox DIR        folder for one file per outgoing message (default ./outbox)
  --web DIR           folder of the web console (default: the project's web/)
  --aws-endpoint URL  use DynamoDB, SES, SNS and Cognito at URL (e.g. moto) instead of
                      the embedded store, outbox and local sign-ins (a build with
                      `--features aws`)
  --table NAME        DynamoDB table with --aws-endpoint (default customers-local)
  --access-model M    open (default) or need-to-know: which customers specialists see
                      (or env ACCESS_MODEL, as the functions read it)";

struct Args {
    port: u16,
    host: String,
    allow_remote: bool,
    outbox: PathBuf,
    web: PathBuf,
    aws_endpoint: Option<String>,
    table: String,
    access_model: shared::config::AccessModel,
}

/// The project's `web/`: under `cargo run` that of the checkout being run, else that of the
/// checkout the binary was built from (a target directory shared by two checkouts would
/// otherwise serve the other one's console).
fn project_web_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
        .join("../web")
}

fn parse_args() -> anyhow::Result<Args> {
    let mut args = Args {
        port: match std::env::var("LOCAL_SERVER_PORT") {
            Ok(p) => p
                .parse()
                .context("LOCAL_SERVER_PORT must be a port number")?,
            Err(_) => 3000,
        },
        host: "127.0.0.1".into(),
        allow_remote: false,
        outbox: PathBuf::from("outbox"),
        web: project_web_dir(),
        aws_endpoint: None,
        table: "customers-local".into(),
        access_model: shared::config::AccessModel::from_env(&|name| std::env::var(name).ok())?,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .with_context(|| format!("{flag} needs a value\n{USAGE}"))
        };
        match flag.as_str() {
            "--port" => args.port = value()?.parse().context("--port must be a port number")?,
            "--host" => args.host = value()?,
            "--allow-remote" => args.allow_remote = true,
            "--outbox" => args.outbox = value()?.into(),
            "--web" => args.web = value()?.into(),
            "--aws-endpoint" => args.aws_endpoint = Some(value()?),
            "--table" => args.table = value()?,
            "--access-model" => {
                let raw = value()?;
                args.access_model = shared::config::AccessModel::from_env(&|_| Some(raw.clone()))
                    .context("--access-model")?;
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => anyhow::bail!("unknown argument {other}\n{USAGE}"),
        }
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(shared::logging::log_filter(
            &std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into()),
        ))
        .with_target(false)
        .init();
    let args = parse_args()?;
    let addr: SocketAddr = format!("{}:{}", args.host, args.port)
        .parse()
        .context("--host and --port must form an address")?;
    local_server::host::check_bind(addr.ip(), args.allow_remote)?;

    let (router, backend) = local_server::build(Setup {
        portal_base_url: format!("http://{addr}"),
        aws_endpoint: args.aws_endpoint,
        table: args.table,
        outbox_dir: Some(args.outbox),
        web_dir: args.web,
        access_model: args.access_model,
    })
    .await?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let addr = listener.local_addr()?;
    println!(
        "local-server: serving the API, the console and the registration page at http://{addr}/"
    );
    println!("  backend: {backend}");
    println!("  sign in: POST /dev/login {{\"specialistId\": \"anna\"}} (seeded: anna, ben, root)");
    println!("  stop with Ctrl-C");
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
        println!("local-server: stopping");
    })
    .await?;
    Ok(())
}

//! Serves the web console and the registration page from `web/` with the right content
//! types, validators and caching headers.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};
use std::path::{Component, PathBuf};
use std::sync::Arc;

pub fn router(dir: PathBuf) -> Router {
    let dir = Arc::new(dir);
    Router::new()
        .route("/", get(|s, h| serve(s, h, "index.html".into())))
        .route("/register", get(|s, h| serve(s, h, "register.html".into())))
        .route(
            "/{*path}",
            get(|s, h, Path(p): Path<String>| serve(s, h, p)),
        )
        .with_state(dir)
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn not_found() -> Response {
    shared::http::error::problem_response(
        StatusCode::NOT_FOUND,
        "/problems/not-found",
        "Not found",
        "No such page.".into(),
        &[],
        None,
    )
}

async fn serve(State(dir): State<Arc<PathBuf>>, headers: HeaderMap, path: String) -> Response {
    let relative = PathBuf::from(&path);
    // Only plain names below the web folder; no `..`, no absolute paths, no hidden files.
    let safe = relative.components().all(|c| match c {
        Component::Normal(s) => !s.to_string_lossy().starts_with('.'),
        _ => false,
    });
    if !safe || path.is_empty() {
        return not_found();
    }
    let Ok(bytes) = tokio::fs::read(dir.join(&relative)).await else {
        return not_found();
    };
    let digest = Sha256::digest(&bytes);
    let etag = format!("\"{}\"", shared::domain::secrets_hex(&digest[..12]));
    let mut res = if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag))
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        bytes.into_response()
    };
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(&path)),
    );
    // Files keep their names across releases, so browsers revalidate every time; the ETag
    // makes that cheap.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if path.ends_with(".html") {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'",
            ),
        );
        h.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
    }
    res
}

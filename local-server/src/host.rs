//! The local server answers only requests addressed to a loopback name: a web page of any
//! origin could otherwise point its own host name at 127.0.0.1 (DNS rebinding) and, being
//! then same-origin, sign in at `/dev/login` and read `/dev/outbox` on a developer's machine.
//! The browser sends the page's host name in `Host`, which is what this checks.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use std::net::IpAddr;

/// Whether `host` (a `Host` header value or URI authority, with or without a port) names this
/// machine by a loopback name or address: `localhost`, `127.0.0.0/8`, `[::1]`.
pub fn is_loopback(host: &str) -> bool {
    let host = host.trim();
    let name = if let Some(rest) = host.strip_prefix('[') {
        // `[::1]` or `[::1]:3000`: the address is what the brackets hold.
        match rest.split_once(']') {
            Some((inside, port)) if port.is_empty() || valid_port(port) => inside,
            _ => return false,
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if valid_port(&format!(":{port}")) => name,
            Some(_) => return false,
            None => host,
        }
    };
    let name = name.strip_suffix('.').unwrap_or(name);
    name.eq_ignore_ascii_case("localhost")
        || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// `:` followed by a port number.
fn valid_port(s: &str) -> bool {
    s.strip_prefix(':')
        .is_some_and(|p| !p.is_empty() && p.parse::<u16>().is_ok())
}

/// The development endpoints sign anyone in: only this machine may reach them, unless the
/// developer says otherwise with `--allow-remote`.
pub fn check_bind(addr: IpAddr, allow_remote: bool) -> anyhow::Result<()> {
    if addr.is_loopback() || allow_remote {
        return Ok(());
    }
    anyhow::bail!(
        "--host {addr} is reachable from other machines, and /dev/login signs anyone in; \
         listen on 127.0.0.1 or [::1], or add --allow-remote"
    )
}

/// 421 (misdirected request) for a request whose `Host` is not a loopback name, and 400 for
/// one without `Host`: HTTP/1.1 requires it (RFC 9112, section 3.2, tells servers to answer
/// 400), browsers always send it, and a request that names no host would otherwise pass the
/// check unseen. A URI authority (absolute form) must name a loopback host as well. The
/// refusals carry the same headers as every API answer.
pub async fn only_loopback(req: Request, next: Next) -> Response {
    let mut res = match refusal(&req) {
        None => return next.run(req).await,
        Some(res) => res,
    };
    shared::http::edge::secure(res.headers_mut());
    res
}

/// The answer to a request that names no host or another host than this machine.
fn refusal(req: &Request) -> Option<Response> {
    let Some(host) = req.headers().get(axum::http::header::HOST) else {
        return Some(shared::http::error::problem_response(
            StatusCode::BAD_REQUEST,
            "/problems/bad-request",
            "Bad request",
            "The request has no Host header.".into(),
            &[],
            None,
        ));
    };
    let authority = req.uri().authority().map(|a| a.as_str());
    let host = host.to_str().unwrap_or_default();
    if is_loopback(host) && authority.is_none_or(is_loopback) {
        return None;
    }
    Some(shared::http::error::problem_response(
        StatusCode::MISDIRECTED_REQUEST,
        "/problems/misdirected-request",
        "Misdirected request",
        "The local server answers only requests to localhost, 127.0.0.1 or [::1].".into(),
        &[],
        None,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_and_addresses_with_any_port_are_accepted() {
        for host in [
            "localhost",
            "localhost:3000",
            "LOCALHOST:8080",
            "localhost.",
            "127.0.0.1",
            "127.0.0.1:3000",
            "127.1.2.3:1",
            "[::1]",
            "[::1]:3000",
        ] {
            assert!(is_loopback(host), "{host}");
        }
    }

    #[test]
    fn a_non_loopback_bind_needs_allow_remote() {
        let any: IpAddr = "0.0.0.0".parse().unwrap();
        let lan: IpAddr = "192.0.2.10".parse().unwrap();
        for ip in ["127.0.0.1", "::1"] {
            assert!(check_bind(ip.parse().unwrap(), false).is_ok(), "{ip}");
        }
        assert!(check_bind(any, false).is_err());
        assert!(check_bind(lan, false).is_err());
        assert!(check_bind(any, true).is_ok());
    }

    fn request(host: Option<&str>, uri: &str) -> Request {
        let mut req = axum::http::Request::get(uri);
        if let Some(h) = host {
            req = req.header(axum::http::header::HOST, h);
        }
        req.body(axum::body::Body::empty()).unwrap()
    }

    #[test]
    fn a_request_without_host_is_a_bad_request() {
        for uri in ["/me", "http://localhost/me"] {
            let res = refusal(&request(None, uri)).expect("refused");
            assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{uri}");
        }
    }

    #[test]
    fn a_request_is_refused_when_host_or_authority_is_not_loopback() {
        assert!(refusal(&request(Some("localhost:3000"), "/me")).is_none());
        assert!(refusal(&request(Some("[::1]"), "http://127.0.0.1/me")).is_none());
        for (host, uri) in [
            ("evil.example.com", "/me"),
            ("localhost", "http://evil.example.com/me"),
        ] {
            let res = refusal(&request(Some(host), uri)).expect("refused");
            assert_eq!(
                res.status(),
                StatusCode::MISDIRECTED_REQUEST,
                "{host} {uri}"
            );
        }
    }

    #[test]
    fn other_hosts_are_refused() {
        for host in [
            "",
            "evil.example.com",
            "evil.example.com:3000",
            "localhost.evil.example.com",
            "127.0.0.1.nip.io",
            "localhost:3000@evil.example.com",
            "localhost:",
            "localhost:99999",
            "localhost:3000:3000",
            "10.0.0.1:3000",
            "0.0.0.0:3000",
            "[::]:3000",
            "[::1]x",
            "::1",
            "[::ffff:8.8.8.8]",
        ] {
            assert!(!is_loopback(host), "{host}");
        }
    }
}

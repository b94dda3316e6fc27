//! The HTTP policy every adapter shares: timeouts, User-Agent, Retry-After,
//! which requests may be retried, and how HTTP failures become
//! `ProviderError`s without leaking keys or URLs (Otomax signs in the query).

use super::ProviderError;
use crate::secret::{Scrubber, Secret};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HttpPolicy {
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// Attempts for requests that are safe to repeat.
    pub max_attempts: u32,
    /// Longest Retry-After we sleep through inside one call; longer waits
    /// go back to the caller as `RateLimited`.
    pub max_retry_wait: Duration,
    /// First backoff step after a transient failure (doubles each time).
    pub backoff: Duration,
}

impl Default for HttpPolicy {
    fn default() -> Self {
        HttpPolicy {
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(15),
            max_attempts: 3,
            max_retry_wait: Duration::from_secs(10),
            backoff: Duration::from_millis(300),
        }
    }
}

/// Whether a request may be sent more than once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Reads, and writes the API deduplicates (same idempotency key/ref_id).
    Safe,
    /// Anything that could charge twice: one attempt only.
    Never,
}

impl Retry {
    /// A spending call is retried by the HTTP layer only where the
    /// spending table says a repeat returns the original.
    pub fn for_call(call: crate::domain::spending::SpendingCall) -> Retry {
        if call.http_retry_safe() {
            Retry::Safe
        } else {
            Retry::Never
        }
    }
}

#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub retry_after: Option<Duration>,
    pub body: String,
}

impl Reply {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Parses the body; a parse failure names what was wrong.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ProviderError> {
        serde_json::from_str(&self.body).map_err(|e| ProviderError::Malformed(format!("{e}")))
    }

    pub fn value(&self) -> Result<Value, ProviderError> {
        self.json::<Value>()
    }

    /// The API's own message, if the body carries one.
    pub fn message(&self) -> String {
        message_of(&self.body)
    }

    /// The default mapping from an HTTP status to an error.
    pub fn status_error(&self) -> ProviderError {
        status_error(self.status, self.message(), self.retry_after)
    }
}

/// Looks for a human message in a JSON error body, else a short excerpt.
pub fn message_of(body: &str) -> String {
    if let Ok(v) = serde_json::from_str::<Value>(body) {
        for key in ["message", "error", "msg", "detail", "error_description"] {
            match v.get(key) {
                Some(Value::String(s)) if !s.is_empty() => return s.clone(),
                Some(Value::Object(o)) => {
                    if let Some(Value::String(s)) = o.get("message") {
                        return s.clone();
                    }
                }
                _ => {}
            }
        }
    }
    let t = body.trim();
    if t.is_empty() {
        "(empty reply)".to_string()
    } else {
        t.chars().take(160).collect()
    }
}

pub fn status_error(status: u16, message: String, retry_after: Option<Duration>) -> ProviderError {
    match status {
        401 | 403 => ProviderError::Unauthorized(message),
        402 => ProviderError::InsufficientBalance(message),
        404 => ProviderError::NotFound(message),
        409 => ProviderError::Conflict(message),
        429 => ProviderError::RateLimited {
            retry_after,
            message,
        },
        500..=599 => ProviderError::Unavailable { status, message },
        _ => ProviderError::Rejected { status, message },
    }
}

fn parse_retry_after(v: &reqwest::header::HeaderValue) -> Option<Duration> {
    let s = v.to_str().ok()?.trim();
    if let Ok(secs) = s.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(s).ok()?;
    let secs = (when.timestamp() - chrono::Utc::now().timestamp()).max(0) as u64;
    Some(Duration::from_secs(secs))
}

/// Every HTTP client of otpdeck starts here: reqwest over rustls with
/// ring's crypto (installed once as the process's provider; reqwest will
/// not build a client without one). ring rather than rustls' default,
/// aws-lc-rs: about 50 s less of a clean build and a smaller binary, for
/// the same TLS 1.2/1.3 suites against the providers.
pub fn client_builder() -> reqwest::ClientBuilder {
    static TLS: std::sync::Once = std::sync::Once::new();
    TLS.call_once(|| {
        // Err only when a provider is already installed: that one serves.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    reqwest::Client::builder()
}

/// At most this many requests of one account are in flight at once, and
/// as many idle connections kept. A thousand pollers due in the same
/// second would otherwise open a connection each (every one with its own
/// buffers, and TLS state against a real provider): 1,000 orders held
/// 800 connections and 60 MB in the timing soak. At the 4–5 s cadence
/// 1,000 orders make about 220 requests a second, a few in flight.
const IN_FLIGHT: usize = 16;

#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    /// Requests of this account in flight at once (see `IN_FLIGHT`).
    in_flight: std::sync::Arc<tokio::sync::Semaphore>,
    base: String,
    policy: HttpPolicy,
    /// Cleans every reply and error text of this account's keys.
    scrub: Scrubber,
}

impl std::fmt::Debug for Http {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Http")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl Http {
    pub fn new(
        base_url: &str,
        policy: HttpPolicy,
        secrets: Vec<Secret>,
    ) -> Result<Http, ProviderError> {
        let base = base_url.trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(ProviderError::Connect(format!(
                "base_url '{}' must start with http:// or https://",
                crate::domain::text::url_without_userinfo(&base)
            )));
        }
        let client = client_builder()
            .pool_max_idle_per_host(IN_FLIGHT)
            .connect_timeout(policy.connect_timeout)
            .timeout(policy.request_timeout)
            .user_agent(concat!("otpdeck/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ProviderError::Connect(e.without_url().to_string()))?;
        Ok(Http {
            client,
            in_flight: std::sync::Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT)),
            base,
            policy,
            scrub: Scrubber::new(&secrets.iter().collect::<Vec<_>>()),
        })
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn policy(&self) -> HttpPolicy {
        self.policy
    }

    fn clean(&self, text: String) -> String {
        self.scrub.clean(text)
    }

    fn map_send_error(&self, e: reqwest::Error) -> ProviderError {
        let (timeout, connect) = (e.is_timeout(), e.is_connect());
        let text = self.clean(e.without_url().to_string());
        if timeout {
            ProviderError::Timeout
        } else if connect {
            ProviderError::Connect(text)
        } else {
            ProviderError::Network(text)
        }
    }

    /// Sends a request built by `build`, retrying per `retry`. Non-2xx replies
    /// come back as `Ok(Reply)`, except 429s that outlast our retries, which
    /// come back as `Err(RateLimited)` when `retry` is Safe.
    pub async fn send<F>(&self, retry: Retry, build: F) -> Result<Reply, ProviderError>
    where
        F: Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    {
        let attempts = match retry {
            Retry::Safe => self.policy.max_attempts.max(1),
            Retry::Never => 1,
        };
        let mut backoff = self.policy.backoff;
        let mut last_err = ProviderError::Timeout;
        // Set once an attempt may have reached the provider unanswered.
        let mut uncertain = false;
        // The last 5xx an attempt got: a later, different refusal (a 409
        // "key already used" after a 503) shows that attempt did something.
        let mut server_error: Option<u16> = None;
        for attempt in 1..=attempts {
            let last = attempt == attempts;
            // Held until the body is read (the connection is busy till then);
            // the semaphore is never closed, so this cannot fail.
            let permit = self.in_flight.acquire().await;
            match build(&self.client).send().await {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    let retry_after = resp
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(parse_retry_after);
                    let body = match resp.text().await {
                        Ok(b) => self.clean(b),
                        Err(e) => {
                            last_err = self.map_send_error(e);
                            uncertain = true;
                            if last {
                                break;
                            }
                            drop(permit);
                            tokio::time::sleep(backoff).await;
                            backoff *= 2;
                            continue;
                        }
                    };
                    let reply = Reply {
                        status,
                        retry_after,
                        body,
                    };
                    let transient = status == 429 || matches!(status, 502..=504);
                    if retry == Retry::Safe && transient && !last {
                        let wait = retry_after.unwrap_or(backoff);
                        if wait <= self.policy.max_retry_wait {
                            tracing::debug!(status, ?wait, "transient HTTP status, retrying");
                            uncertain |= matches!(status, 502 | 504);
                            if status >= 500 {
                                server_error = Some(status);
                            }
                            drop(permit);
                            tokio::time::sleep(wait).await;
                            backoff *= 2;
                            continue;
                        }
                    }
                    // After an attempt that may have been carried out, only
                    // a success speaks of it: a refusal ("key already used",
                    // "no balance") or a "try later" is about this attempt,
                    // so a buy is kept as Unknown, not written off.
                    let disagrees = server_error.is_some_and(|s| s != status);
                    if (uncertain || disagrees) && !reply.is_success() {
                        return Err(ProviderError::Network(format!(
                            "no clear reply: an earlier attempt may have gone through (last answer HTTP {status})"
                        )));
                    }
                    return Ok(reply);
                }
                Err(e) => {
                    last_err = self.map_send_error(e);
                    uncertain |= last_err.is_ambiguous();
                    tracing::debug!(error = %last_err, attempt, "request failed");
                    if last {
                        break;
                    }
                    drop(permit);
                    tokio::time::sleep(backoff).await;
                    backoff *= 2;
                }
            }
        }
        // An earlier attempt may have been carried out: a later "could not
        // connect" does not undo that.
        if uncertain && !last_err.is_ambiguous() {
            return Err(ProviderError::Network(format!(
                "no clear reply: an earlier attempt may have gone through (last error: {last_err})"
            )));
        }
        Err(last_err)
    }
}

/// Percent-encodes a query or path value (RFC 3986 unreserved kept).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A server that answers every request with `status` and `body`.
    async fn echo_server(status: &'static str, body: String) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                let body = body.clone();
                tokio::spawn(async move {
                    let mut buf = [0u8; 4096];
                    let _ = sock.read(&mut buf).await;
                    let reply = format!(
                        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = sock.write_all(reply.as_bytes()).await;
                    let _ = sock.shutdown().await;
                });
            }
        });
        format!("http://{addr}")
    }

    #[tokio::test]
    async fn a_key_echoed_in_an_error_body_never_reaches_the_error() {
        let key = Secret::new("sim-MARKER/7f3a");
        for body in [
            r#"{"message":"invalid key sim-MARKER/7f3a"}"#.to_string(),
            r#"{"message":"invalid key sim-MARKER\/7f3a"}"#.to_string(),
            r#"{"error":{"message":"key \u0073im-MARKER\/7f3a refused"}}"#.to_string(),
            "<html>bad key in /api?key=sim-MARKER%2F7f3a</html>".to_string(),
        ] {
            for status in ["401 Unauthorized", "400 Bad Request", "503 Unavailable"] {
                let base = echo_server(status, body.clone()).await;
                let http = Http::new(&base, HttpPolicy::default(), vec![key.clone()]).unwrap();
                let reply = http
                    .send(Retry::Never, |c| {
                        c.get(http.url("/balance"))
                            .header("x-api-key", key.expose())
                    })
                    .await
                    .unwrap();
                let err = reply.status_error().to_string();
                for text in [&reply.body, &reply.message(), &err] {
                    assert!(!text.contains("MARKER"), "{status} {body}: {text}");
                }
                assert!(
                    err.contains("***") || reply.message().contains("***"),
                    "{err}"
                );
            }
        }
    }
}

//! Replies in OTPZap's envelope: `{"success": true, "data"}` or
//! `{"success": false, "message"}`, with Retry-After on a cooldown.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::time::Duration;

pub(super) struct Resp {
    pub(super) status: StatusCode,
    pub(super) retry_after: Option<u64>,
    pub(super) body: Value,
}

impl IntoResponse for Resp {
    fn into_response(self) -> Response {
        let mut r = (self.status, axum::Json(self.body)).into_response();
        if let Some(secs) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                r.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
            }
        }
        r
    }
}

pub(super) fn ok(data: Value) -> Resp {
    Resp {
        status: StatusCode::OK,
        retry_after: None,
        body: json!({"success": true, "data": data}),
    }
}

pub(super) fn ok_msg(message: &str, data: Value) -> Resp {
    Resp {
        status: StatusCode::OK,
        retry_after: None,
        body: json!({"success": true, "message": message, "data": data}),
    }
}

pub(super) fn fail(status: StatusCode, message: impl Into<String>) -> Resp {
    Resp {
        status,
        retry_after: None,
        body: json!({"success": false, "message": message.into()}),
    }
}

pub(super) fn bad(message: &str) -> Resp {
    fail(StatusCode::BAD_REQUEST, message)
}
pub(super) fn too_soon(left: Duration, message: &str) -> Resp {
    let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
    Resp {
        retry_after: Some(secs.max(1)),
        ..fail(StatusCode::TOO_MANY_REQUESTS, message)
    }
}

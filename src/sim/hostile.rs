//! The hostile provider (`otpdeck sim --hostile`): every name, message and
//! OTP the simulator sends carries terminal escapes, as a provider (or, on
//! GoTopUp's marketplace, another seller) could send them. Names get an
//! OSC 52 clipboard write, an OSC 0 title, a screen clear, a `\r` with
//! the invisible-text attribute, a right-to-left override and a zero-width
//! space; an OTP is wrapped in a clipboard write and
//! a `rm -rf ~` line. Everything else (ids, prices, states) is untouched,
//! so every flow still works and only what is shown is hostile.

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::Value;

/// What a name or message carries: `rm -rf ~` on the clipboard, a window
/// title, a cleared screen, and text that hides what came before.
pub const NAME_TAIL: &str =
    "\x1b]52;c;cm0gLXJmIH4=\x07\x1b]0;pwned\x07\x1b[2J\r\x1b[8m\u{202e}\u{200b}";
/// Put before an OTP.
pub const OTP_HEAD: &str = "\x1b]52;c;cm0gLXJmIH4=\x07\r\n";
/// Put after an OTP.
pub const OTP_TAIL: &str = "\nrm -rf ~\n";

fn is_name(key: &str) -> bool {
    (key.ends_with("name") && key != "username") || key == "message" || key == "description"
}

fn is_otp(key: &str) -> bool {
    matches!(key, "otp" | "otp_code" | "sn")
}

fn poison(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, v) in m.iter_mut() {
                match v {
                    Value::String(s) if is_name(k) => s.push_str(NAME_TAIL),
                    Value::String(s) if is_otp(k) => *s = format!("{OTP_HEAD}{s}{OTP_TAIL}"),
                    Value::Array(a) if k == "otps" => a.iter_mut().for_each(|o| {
                        if let Value::String(s) = o {
                            *s = format!("{OTP_HEAD}{s}{OTP_TAIL}");
                        }
                    }),
                    other => poison(other),
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(poison),
        _ => {}
    }
}

/// The axum middleware: JSON replies rewritten as above.
pub async fn middleware(req: Request, next: Next) -> Response {
    let r = next.run(req).await;
    let json = r
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !json {
        return r;
    }
    let (mut parts, body) = r.into_parts();
    let Ok(bytes) = to_bytes(body, 16 << 20).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let out = match serde_json::from_slice::<Value>(&bytes) {
        Ok(mut v) => {
            poison(&mut v);
            serde_json::to_vec(&v).unwrap_or_else(|_| bytes.to_vec())
        }
        Err(_) => bytes.to_vec(),
    };
    parts.headers.remove(CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_messages_and_otps_are_poisoned_ids_are_not() {
        let mut v = serde_json::json!({"data": [{"id": "wa", "service_name": "WhatsApp",
            "username": "u", "price": 3000, "otp": "123456", "otps": ["1", "2"]}],
            "message": "ok"});
        poison(&mut v);
        let d = &v["data"][0];
        assert_eq!(d["id"], "wa");
        assert_eq!(d["username"], "u");
        assert_eq!(d["service_name"], format!("WhatsApp{NAME_TAIL}"));
        assert_eq!(d["otp"], format!("{OTP_HEAD}123456{OTP_TAIL}"));
        assert_eq!(d["otps"][1], format!("{OTP_HEAD}2{OTP_TAIL}"));
        assert_eq!(v["message"], format!("ok{NAME_TAIL}"));
    }
}

//! `otpdeck webhook get|set` through the binary against `otpdeck sim`: a
//! change is checked before sending, the settings round-trip, and the
//! secret is shown once (or written 0600 where asked), never found in the
//! journal dir or the log.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common;

use common::process::{walk, write_private, SimProcess, BIN};

struct Env {
    dir: tempfile::TempDir,
    config: PathBuf,
}

impl Env {
    fn new(sim: &SimProcess) -> Env {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join("config.toml");
        let text = format!(
            "[[accounts]]\nname = \"zap\"\nprovider = \"otpzap\"\nbase_url = \"{}\"\napi_key = \"sim-zap-hook\"\n\n\
             [[accounts]]\nname = \"nex\"\nprovider = \"nexotp\"\nbase_url = \"{}\"\napi_key = \"sim-nex-hook\"\n",
            sim.url("otpzap"),
            sim.url("nexotp")
        );
        write_private(&config, &text);
        Env { dir, config }
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .arg("--config")
            .arg(&self.config)
            .arg("--data-dir")
            .arg(self.data())
            .args(args)
            .env("OTPDECK_LOG", "trace")
            .output()
            .expect("run otpdeck")
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        assert!(out.status.success(), "{args:?}: {}", err(&out));
        serde_json::from_slice(&out.stdout).expect("JSON on stdout")
    }
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn nowhere_in(dir: &Path, secret: &str) {
    for f in walk(dir) {
        let bytes = std::fs::read(&f).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(secret),
            "the secret is stored in {}",
            f.display()
        );
    }
}

#[test]
fn webhook_settings_round_trip_and_the_secret_is_shown_once() {
    let sim = SimProcess::start("1s");
    let env = Env::new(&sim);

    let got = env.json(&["webhook", "get", "--account", "zap"]);
    assert_eq!(got["url"], Value::Null, "{got}");
    assert_eq!(got["is_active"], false);

    // Checked before sending: nothing reaches the API, so nothing is set.
    for (args, says) in [
        (&["--url", "http://hooks.example.com/otp"][..], "https://"),
        (
            &[
                "--url",
                "https://hooks.example.com/otp",
                "--events",
                "order.paid",
            ][..],
            "'order.paid' is not a webhook event",
        ),
        (&[][..], "nothing to change"),
    ] {
        let mut a = vec!["webhook", "set", "--account", "zap"];
        a.extend_from_slice(args);
        let out = env.run(&a);
        assert_eq!(out.status.code(), Some(1), "{a:?}");
        assert!(err(&out).contains(says), "{a:?}: {}", err(&out));
    }
    assert_eq!(
        env.json(&["webhook", "get", "--account", "zap"])["url"],
        Value::Null
    );

    // The API's own refusal (a private address) comes back as a sentence.
    let out = env.run(&[
        "webhook",
        "set",
        "--account",
        "zap",
        "--url",
        "https://127.0.0.1/x",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(err(&out).contains("private"), "{}", err(&out));

    // Set: the secret comes back this once, printed.
    let set = env.json(&[
        "webhook",
        "set",
        "--account",
        "zap",
        "--url",
        "https://hooks.example.com/otp",
        "--events",
        "order.otp_received,order.cancelled",
    ]);
    let secret = set["secret"]
        .as_str()
        .expect("secret shown once")
        .to_string();
    assert_eq!(secret.len(), 48, "{set}");
    assert_eq!(set["is_active"], true);
    let got = env.json(&["webhook", "get", "--account", "zap"]);
    assert_eq!(got["url"], "https://hooks.example.com/otp");
    assert_eq!(
        got["events"],
        serde_json::json!(["order.otp_received", "order.cancelled"])
    );
    assert!(got.get("secret").is_none(), "get never shows it: {got}");

    // Pausing keeps the URL and shows no secret.
    let out = env.run(&["webhook", "set", "--account", "zap", "--active", "false"]);
    assert!(out.status.success(), "{}", err(&out));
    assert!(text(&out).contains("secret   unchanged"), "{}", text(&out));
    assert!(!text(&out).contains(&secret));
    let got = env.json(&["webhook", "get", "--account", "zap"]);
    assert_eq!(got["is_active"], false);
    assert_eq!(got["url"], "https://hooks.example.com/otp");
    nowhere_in(&env.data(), &secret);

    // Registering the receiver: the URL is the base plus the path that
    // `otpdeck webhook-url` prints.
    let path = otpdeck::engine::webhook::server::path_for("zap");
    let out = env.run(&[
        "webhook",
        "set",
        "--account",
        "zap",
        "--register-webhook",
        "http://hooks.example.com",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(err(&out).contains("public https://"), "{}", err(&out));
    let out = env.run(&[
        "webhook",
        "set",
        "--account",
        "zap",
        "--register-webhook",
        "https://hooks.example.com/otpdeck/",
        "--secret-file",
        env.data().join("zap.secret").to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{}", err(&out));
    let got = env.json(&["webhook", "get", "--account", "zap"]);
    assert_eq!(
        got["url"],
        format!("https://hooks.example.com/otpdeck{path}")
    );

    // Another account's API has no webhooks: refused with a sentence.
    let out = env.run(&["webhook", "get", "--account", "nex"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(err(&out).contains("not supported"), "{}", err(&out));
}

#[test]
fn the_secret_goes_to_the_file_asked_for_and_nowhere_else() {
    let sim = SimProcess::start("1s");
    let env = Env::new(&sim);
    let file = env.dir.path().join("hook.secret");
    let out = env.run(&[
        "webhook",
        "set",
        "--account",
        "zap",
        "--url",
        "https://hooks.example.com/otp",
        "--events",
        "*",
        "--secret-file",
        file.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", err(&out));
    let secret = std::fs::read_to_string(&file).expect("secret file");
    let secret = secret.trim();
    assert_eq!(secret.len(), 48);
    assert!(secret.chars().all(|c| c.is_ascii_hexdigit()));
    assert!(!text(&out).contains(secret), "written, not printed");
    assert!(text(&out).contains("written to"), "{}", text(&out));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    nowhere_in(&env.data(), secret);
}

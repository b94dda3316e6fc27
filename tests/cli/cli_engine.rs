//! The CLI through a running engine: `buy` and `cancel` are sent to
//! `otpdeck serve` (one writer of money decisions), which then polls what
//! was bought, so the OTP reaches the journal with no `watch` running; a
//! client leaving never ends the engine (it ignores SIGPIPE).

use crate::common;

use common::process::{account_toml, CliEnv, SimProcess};
use serde_json::Value;
use std::process::{Command, Stdio};
use std::time::Duration;

/// A CLI set-up whose commands find the engine in its own runtime dir.
struct Env(CliEnv);

impl Env {
    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = self.0.command(args);
        c.env("XDG_RUNTIME_DIR", self.0.dir.path().join("run"));
        c
    }

    fn json(&self, args: &[&str]) -> Value {
        let all = common::process::json_args(args);
        let out = common::process::stdout_of(self.cmd(&all), args);
        serde_json::from_str(&out).expect("JSON on stdout")
    }

    fn order(&self, id: i64) -> Value {
        let list = self.json(&["orders"]);
        list.as_array()
            .and_then(|a| a.iter().find(|o| o["id"] == id).cloned())
            .unwrap_or_else(|| panic!("order {id} in {list}"))
    }
}

#[test]
fn buy_and_cancel_go_through_a_running_engine() {
    let sim = SimProcess::start("3s");
    let env = Env(CliEnv::new(&account_toml(
        "gate",
        "gateotp",
        sim.url("gateotp"),
        "sim-cli-engine",
        None,
    )));
    std::fs::create_dir(env.0.dir.path().join("run")).expect("runtime dir");
    let serve = env
        .cmd(&["serve"])
        .env("OTPDECK_POLL_INTERVAL_MS", "300")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn serve");
    common::process::wait_for_engine(&env.0.dir.path().join("run"));
    let first = env.json(&[
        "buy",
        "--account",
        "gate",
        "--service",
        "whatsapp",
        "--country",
        "id",
    ]);
    assert_eq!(first["status"], "waiting", "{first}");
    let id = first["id"].as_i64().expect("id");
    // Nobody watches: the engine polls what it bought.
    let mut got = None;
    for _ in 0..100 {
        let o = env.order(id);
        if o["otp"].is_string() {
            got = Some(o);
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let o = got.expect("the engine polled the CLI's order to its OTP");
    assert_eq!(o["status"], "otp_received", "{o}");
    // `watch` takes the engine's news instead of polling: the code.
    let w = env
        .cmd(&["watch", "--account", "gate", &id.to_string()])
        .output()
        .expect("watch");
    assert!(w.status.success(), "{}", String::from_utf8_lossy(&w.stderr));
    assert_eq!(
        String::from_utf8_lossy(&w.stdout).trim(),
        o["otp"].as_str().unwrap_or_default()
    );

    // A deposit made and cancelled through the engine.
    let d = env.json(&[
        "deposit",
        "create",
        "--account",
        "gate",
        "--amount",
        "20000",
    ]);
    assert_eq!(d["status"], "pending", "{d}");
    let did = d["id"].as_i64().expect("deposit id").to_string();
    let c = env.json(&["deposit", "cancel", "--account", "gate", &did]);
    assert_eq!(c["status"], "cancelled", "{c}");

    let second = env.json(&[
        "buy",
        "--account",
        "gate",
        "--service",
        "telegram",
        "--country",
        "id",
    ]);
    let id2 = second["id"].as_i64().expect("id").to_string();
    let cancelled = env.json(&["cancel", "--account", "gate", &id2]);
    assert_eq!(cancelled["status"], "cancelled", "{cancelled}");

    let (ended_well, said) = common::process::stop_engine(serve);
    assert!(ended_well, "the engine outlived its clients: {said}");
    // Six commands went through it (two buys, watch, a deposit made and
    // cancelled, a cancel).
    let log = std::fs::read_to_string(
        env.0
            .dir
            .path()
            .join("data")
            .join("logs")
            .join("otpdeck.log"),
    )
    .unwrap_or_default();
    let joined = log.matches("screen joined").count();
    assert!(joined >= 6, "{joined} clients joined the engine:\n{log}");
}

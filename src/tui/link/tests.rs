//! The byte-stream link: a wrong version, garbage and an oversized frame
//! are refused with a reason, and the engine's side carries on.

use super::stream::{attach, serve};
use super::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio::sync::mpsc;

/// A frame as the codec writes it.
fn frame(payload: &[u8]) -> Vec<u8> {
    let mut f = (payload.len() as u32).to_be_bytes().to_vec();
    f.extend_from_slice(payload);
    f
}

/// Reads one frame's payload.
async fn read_frame(s: &mut DuplexStream) -> Option<Vec<u8>> {
    let mut len = [0u8; 4];
    s.read_exact(&mut len).await.ok()?;
    let mut p = vec![0u8; u32::from_be_bytes(len) as usize];
    s.read_exact(&mut p).await.ok()?;
    Some(p)
}

/// The engine's side of one stream; the test holds the screen's raw end
/// and what would join the engine.
fn engine_side() -> (DuplexStream, mpsc::Receiver<Joined>) {
    let (client, server) = tokio::io::duplex(1 << 20);
    let (read, write) = tokio::io::split(server);
    let (joins_tx, joins_rx) = mpsc::channel(4);
    tokio::spawn(serve(read, write, joins_tx, "test".into()));
    (client, joins_rx)
}

fn refusal(payload: &[u8]) -> String {
    match serde_json::from_slice::<ToScreen>(payload) {
        Ok(ToScreen::Refused(why)) => why,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn another_version_is_refused_naming_both() {
    let (mut c, mut joins) = engine_side();
    let hello = serde_json::to_vec(&ToEngine::Hello {
        protocol: PROTOCOL + 1,
        version: "9.9.9".into(),
    })
    .unwrap();
    c.write_all(&frame(&hello)).await.unwrap();
    let why = refusal(&read_frame(&mut c).await.expect("an answer"));
    assert!(why.contains(&format!("protocol {PROTOCOL}")), "{why}");
    assert!(
        why.contains(&format!("{}", PROTOCOL + 1)) && why.contains("9.9.9"),
        "{why}"
    );
    assert!(read_frame(&mut c).await.is_none(), "the link closes");
    assert!(joins.recv().await.is_none(), "nobody joined");
}

#[tokio::test]
async fn garbage_first_is_refused() {
    let (mut c, mut joins) = engine_side();
    c.write_all(&frame(b"GET / HTTP/1.1")).await.unwrap();
    let why = refusal(&read_frame(&mut c).await.expect("an answer"));
    assert!(why.contains("not a message"), "{why}");
    assert!(joins.recv().await.is_none());
}

#[tokio::test]
async fn garbage_after_the_hello_ends_that_link_only() {
    let (mut c, mut joins) = engine_side();
    let hello = serde_json::to_vec(&hello()).unwrap();
    c.write_all(&frame(&hello)).await.unwrap();
    let mut joined = joins.recv().await.expect("joined");
    c.write_all(&frame(b"{\"Effect\": 42}")).await.unwrap();
    let why = refusal(&read_frame(&mut c).await.expect("an answer"));
    assert!(why.contains("not a message"), "{why}");
    // The engine sees the screen's inbox close, nothing else.
    assert!(joined.inbox.recv().await.is_none());
}

#[tokio::test]
async fn an_oversized_frame_is_refused_before_it_is_read() {
    let (mut c, mut joins) = engine_side();
    let hello = serde_json::to_vec(&hello()).unwrap();
    c.write_all(&frame(&hello)).await.unwrap();
    let _joined = joins.recv().await.expect("joined");
    // Only the length: the engine refuses without waiting for 100 MB.
    c.write_all(&(100u32 << 20).to_be_bytes()).await.unwrap();
    let why = refusal(&read_frame(&mut c).await.expect("an answer"));
    assert!(why.contains("over the limit"), "{why}");
}

#[tokio::test]
async fn a_screen_and_an_engine_talk_through_a_stream() {
    let (client, server) = tokio::io::duplex(1 << 20);
    let (sr, sw) = tokio::io::split(server);
    let (joins_tx, mut joins) = mpsc::channel(4);
    tokio::spawn(serve(sr, sw, joins_tx, "test".into()));
    let (cr, cw) = tokio::io::split(client);
    let mut screen = attach(cr, cw);
    let mut joined = joins.recv().await.expect("the hello was taken");
    joined
        .out
        .send(ToScreen::Refused("just testing".into()))
        .await
        .unwrap();
    match screen.rx.recv().await {
        Some(ToScreen::Refused(w)) => assert_eq!(w, "just testing"),
        other => panic!("{other:?}"),
    }
    screen
        .tx
        .send(ToEngine::Effect(crate::app::Effect::LoadBalance {
            account: "gate".into(),
        }))
        .unwrap();
    match joined.inbox.recv().await {
        Some(ToEngine::Effect(crate::app::Effect::LoadBalance { account })) => {
            assert_eq!(account, "gate")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_welcome_of_another_version_is_refused_by_the_screen() {
    let w = Welcome {
        protocol: PROTOCOL + 1,
        version: "9.9.9".into(),
        pid: 1,
        accounts: Vec::new(),
        money: MoneySettings::default(),
        notices: Vec::new(),
    };
    let why = check_welcome(ToScreen::Welcome(w)).unwrap_err();
    assert!(why.contains("9.9.9"), "{why}");
}

#[test]
fn a_screen_asks_for_what_a_user_asks_never_the_books_own_work() {
    use crate::app::{BookAction, Effect};
    let buy = BookAction::StartBuys {
        account: "gate".into(),
        requests: Vec::new(),
        now: chrono::Utc::now(),
    };
    assert!(screen_may_ask(&ToEngine::Book(buy)));
    assert!(screen_may_ask(&ToEngine::Effect(Effect::Order {
        op: crate::domain::OrderOp::Cancel,
        order_id: 1,
    })));
    assert!(!screen_may_ask(&ToEngine::Book(BookAction::PollStopped {
        order_id: 1
    })));
    assert!(!screen_may_ask(&ToEngine::Effect(Effect::Unwatch {
        order_id: 1
    })));
    assert!(!screen_may_ask(&ToEngine::Effect(Effect::SettleByClues {
        order_id: 1,
        verdict: crate::domain::clues::Verdict::NotCharged,
        clues: Vec::new(),
    })));
}

//! A link over a byte stream (the socket, stdin/stdout, an ssh pipe):
//! length-prefixed JSON frames, checked and capped both ways.

use super::{check_hello, hello, Joined, ScreenLink, ToEngine, ToScreen, MAX_FRAME, SCREEN_QUEUE};
use futures::{SinkExt, StreamExt};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::mpsc;
use tokio_util::codec::{FramedRead, FramedWrite, LengthDelimitedCodec};

/// How long the engine waits for a new screen's hello.
const HELLO_WAIT: Duration = Duration::from_secs(10);

fn codec() -> LengthDelimitedCodec {
    LengthDelimitedCodec::builder()
        .max_frame_length(MAX_FRAME)
        .new_codec()
}

/// Why a frame could not be read, in words for the other side.
fn frame_error(e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::InvalidData {
        format!("a frame over the limit of {MAX_FRAME} bytes")
    } else {
        format!("the link broke: {e}")
    }
}

fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    serde_json::from_slice(bytes).map_err(|e| format!("not a message of this protocol: {e}"))
}

fn encode<T: Serialize>(msg: &T) -> Option<bytes::Bytes> {
    match serde_json::to_vec(msg) {
        Ok(v) => Some(v.into()),
        Err(e) => {
            tracing::error!(error = %e, "cannot encode a link message");
            None
        }
    }
}

/// Writes each message of `rx` as a frame until it closes or the stream
/// breaks.
async fn write_all<W, T>(write: W, mut rx: impl MessageSource<T>)
where
    W: AsyncWrite + Unpin,
    T: Serialize,
{
    let mut frames = FramedWrite::new(write, codec());
    while let Some(msg) = rx.next_message().await {
        let Some(bytes) = encode(&msg) else { continue };
        if frames.send(bytes).await.is_err() {
            return;
        }
    }
    let _ = SinkExt::<bytes::Bytes>::close(&mut frames).await;
}

/// A queue the writer drains (bounded to a screen, unbounded to the engine).
trait MessageSource<T> {
    async fn next_message(&mut self) -> Option<T>;
}

impl<T> MessageSource<T> for mpsc::Receiver<T> {
    async fn next_message(&mut self) -> Option<T> {
        self.recv().await
    }
}

impl<T> MessageSource<T> for mpsc::UnboundedReceiver<T> {
    async fn next_message(&mut self) -> Option<T> {
        self.recv().await
    }
}

/// The engine's side: checks the screen's hello (refusing a wrong version,
/// garbage or silence with a reason), hands the screen to the engine on
/// `joins`, then carries its frames until either side ends. A frame too
/// large or not a message ends this screen's link with a refusal; the
/// engine and its other screens carry on.
pub async fn serve<R, W>(read: R, write: W, joins: mpsc::Sender<Joined>, from: String)
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let mut frames = FramedRead::new(read, codec());
    let first = match tokio::time::timeout(HELLO_WAIT, frames.next()).await {
        Err(_) => Err("no hello within 10 s".to_string()),
        Ok(None) => return,
        Ok(Some(Err(e))) => Err(frame_error(&e)),
        Ok(Some(Ok(b))) => decode::<ToEngine>(&b).and_then(|m| check_hello(&m)),
    };
    let (out, out_rx) = mpsc::channel::<ToScreen>(SCREEN_QUEUE);
    if let Err(why) = first {
        tracing::warn!(from = %from, "screen refused: {why}");
        let _ = out.try_send(ToScreen::Refused(why));
        drop(out);
        write_all(write, out_rx).await;
        return;
    }
    let (in_tx, inbox) = mpsc::unbounded_channel();
    // Only the engine holds the screen's queue: when it drops it (the
    // screen dropped, or the engine ended), the writer ends and the
    // screen reads the end of the stream.
    let refuse = out.downgrade();
    let joined = Joined {
        out,
        inbox,
        from: from.clone(),
    };
    if joins.send(joined).await.is_err() {
        return;
    }
    let writer = tokio::spawn(write_all(write, out_rx));
    while let Some(frame) = frames.next().await {
        let msg = match frame {
            Ok(b) => decode::<ToEngine>(&b),
            Err(e) => Err(frame_error(&e)),
        };
        match msg {
            Ok(m) => {
                if in_tx.send(m).is_err() {
                    break;
                }
            }
            Err(why) => {
                tracing::warn!(from = %from, "screen dropped: {why}");
                if let Some(out) = refuse.upgrade() {
                    let _ = out.try_send(ToScreen::Refused(why));
                }
                break;
            }
        }
    }
    // The engine drops the screen once its inbox closes; the writer sends
    // what is queued (a refusal) and ends with it.
    drop(in_tx);
    let _ = writer.await;
}

/// The screen's side: sends the hello and carries frames both ways. The
/// welcome (or refusal) is the first message `rx` gives.
pub fn attach<R, W>(read: R, write: W) -> ScreenLink
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let (tx, out_rx) = mpsc::unbounded_channel::<ToEngine>();
    let _ = tx.send(hello());
    tokio::spawn(write_all(write, out_rx));
    let (in_tx, rx) = mpsc::channel::<ToScreen>(SCREEN_QUEUE);
    tokio::spawn(async move {
        let mut frames = FramedRead::new(read, codec());
        while let Some(frame) = frames.next().await {
            let msg = match frame {
                Ok(b) => decode::<ToScreen>(&b),
                Err(e) => Err(frame_error(&e)),
            };
            let end = msg.is_err();
            let msg = msg.unwrap_or_else(ToScreen::Refused);
            if in_tx.send(msg).await.is_err() || end {
                break;
            }
        }
    });
    ScreenLink { tx, rx }
}

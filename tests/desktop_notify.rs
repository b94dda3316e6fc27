//! notify-rust where no session bus answers (SSH, a server, CI): the try
//! fails fast in the background and is not made again. Its own test
//! binary, since it sets an environment variable.

use otpdeck::app::Notification;
use otpdeck::tui::notify::{desktop, desktop_given_up};
use std::time::{Duration, Instant};

#[tokio::test]
async fn without_a_session_bus_it_gives_up_quietly() {
    let n = Notification {
        title: "otpdeck".into(),
        body: "OTP 482913".into(),
        osc9: false,
        osc777: false,
        desktop: true,
    };
    // SAFETY: the only test in this binary, before any other thread reads
    // the environment.
    unsafe {
        std::env::set_var(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/otpdeck-test-bus",
        )
    };
    let t = Instant::now();
    desktop(&n);
    while !desktop_given_up() && t.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(desktop_given_up(), "still trying after {:?}", t.elapsed());
    println!("gave up after {:?}", t.elapsed());
    // Once given up, a call returns at once without trying.
    desktop(&n);
}

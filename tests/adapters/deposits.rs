//! Deposits against the simulator, through the engine the CLI and the
//! dashboard share: each API creates a deposit and sees it paid with the
//! balance rising by what was credited; GateOTP cancels and refuses a 4th
//! pending invoice; minimums are refused with nothing sent; a lost OTPZap
//! reply is replayed once with its key, a lost GateOTP one is left unclear.

use otpdeck::domain::*;
use otpdeck::engine::deposits::{self, DepositError};
use otpdeck::engine::journal::Journal;
use otpdeck::money::Rupiah;
use otpdeck::providers::{self, Auth, ProviderSettings, SharedProvider};
use otpdeck::secret::Secret;
use otpdeck::sim::faults::{Api, Fault, FaultRule};
use otpdeck::sim::{self, SimHandle, SimOptions};
use std::time::Duration;

async fn sim_paying_after(paid_after: Duration) -> SimHandle {
    sim::start_local(SimOptions {
        deposit_paid_after: paid_after,
        ..Default::default()
    })
    .await
    .expect("simulator")
}

fn provider(sim: &SimHandle, kind: ProviderKind, key: &str) -> SharedProvider {
    let settings = ProviderSettings::new(
        kind,
        sim.urls.for_kind(kind),
        Auth::ApiKey(Secret::new(key.to_string())),
    );
    providers::build(&settings).expect("adapter")
}

fn request(amount: i64, method: DepositMethod, key: &str) -> DepositRequest {
    DepositRequest {
        amount: Rupiah(amount),
        method,
        key: key.to_string(),
    }
}

/// Polls until the deposit is final (bounded: only a hang reaches it).
async fn until_final(p: &SharedProvider, j: &Journal, d: Deposit) -> Deposit {
    let mut d = d;
    for _ in 0..600 {
        if d.status.is_final() {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        d = deposits::refresh(p.as_ref(), j, &d).await.expect("status");
    }
    panic!("deposit #{} never became final: {d:?}", d.id);
}

#[tokio::test]
async fn each_api_creates_a_deposit_and_sees_it_paid() {
    let sim = sim_paying_after(Duration::from_millis(300)).await;
    let j = Journal::open_in_memory().expect("journal");
    for (kind, amount, method) in [
        (ProviderKind::GateOtp, 50_000, DepositMethod::Qris),
        (ProviderKind::OtpZap, 25_000, DepositMethod::Qris),
        (ProviderKind::GoTopUp, 100_000, DepositMethod::Direct),
    ] {
        let key = format!("sim-dep-{}", kind.as_str());
        let p = provider(&sim, kind, &key);
        let before = p.balance().await.expect("balance");
        let d = deposits::create(
            p.as_ref(),
            &j,
            "acct",
            &request(amount, method, &format!("k-{key}")),
        )
        .await
        .expect("created");
        assert!(d.provider_id.is_some(), "{kind}: {d:?}");
        if kind != ProviderKind::GoTopUp {
            assert_eq!(d.status, DepositStatus::Pending, "{kind}");
            assert!(d.payment.is_some(), "{kind}: a QR payload or URL to pay");
            assert!(d.expires_at.is_some(), "{kind}: an expiry");
        }
        let d = until_final(&p, &j, d).await;
        assert_eq!(d.status, DepositStatus::Success, "{kind}");
        assert_eq!(d.credited, Some(Rupiah(amount)), "{kind}");
        let after = p.balance().await.expect("balance");
        assert_eq!(
            after - before,
            Rupiah(amount),
            "{kind}: the balance rose by what was credited"
        );
        // The journal keeps it.
        let kept = j.deposit(d.id).expect("read").expect("kept");
        assert_eq!(kept.status, DepositStatus::Success);
    }
}

#[tokio::test]
async fn gateotp_cancels_refuses_a_fourth_pending_and_shows_the_total() {
    let sim = sim_paying_after(Duration::from_secs(3600)).await;
    let j = Journal::open_in_memory().expect("journal");
    let p = provider(&sim, ProviderKind::GateOtp, "sim-dep-gate-limit");
    let mut made = Vec::new();
    for i in 0..3 {
        let d = deposits::create(
            p.as_ref(),
            &j,
            "g",
            &request(20_000, DepositMethod::Qris, &format!("g{i}")),
        )
        .await
        .expect("created");
        assert_eq!(d.total, Some(Rupiah(20_200)), "total includes the fee");
        assert_eq!(d.fee, Some(Rupiah(200)));
        made.push(d);
    }
    let e = deposits::create(
        p.as_ref(),
        &j,
        "g",
        &request(20_000, DepositMethod::Qris, "g3"),
    )
    .await
    .expect_err("a fourth pending invoice is refused");
    assert!(
        e.to_string().contains("Maksimal 3"),
        "the API's refusal, as it said it: {e}"
    );
    let d = deposits::cancel(p.as_ref(), &j, &made[0])
        .await
        .expect("cancelled");
    assert_eq!(d.status, DepositStatus::Cancelled);
    // With one cancelled, a new one goes through.
    deposits::create(
        p.as_ref(),
        &j,
        "g",
        &request(20_000, DepositMethod::Qris, "g4"),
    )
    .await
    .expect("room again");
    let e = deposits::cancel(p.as_ref(), &j, &d)
        .await
        .expect_err("already cancelled");
    assert!(matches!(e, DepositError::Refused(_)), "{e:?}");
}

#[tokio::test]
async fn amounts_below_the_minimum_are_refused_with_nothing_sent() {
    let sim = sim_paying_after(Duration::from_secs(1)).await;
    let j = Journal::open_in_memory().expect("journal");
    for (kind, amount) in [
        (ProviderKind::GateOtp, 1_999),
        (ProviderKind::GoTopUp, 49_999),
    ] {
        let p = provider(&sim, kind, "sim-dep-min");
        let before: u64 = sim
            .states
            .requests
            .iter()
            .map(|r| r.load(std::sync::atomic::Ordering::Relaxed))
            .sum();
        let method = check_deposit(kind, Rupiah(1_000_000), None).expect("a method");
        let e = deposits::create(p.as_ref(), &j, "m", &request(amount, method, "min"))
            .await
            .expect_err("refused");
        assert!(matches!(e, DepositError::Refused(_)), "{kind}: {e:?}");
        let after: u64 = sim
            .states
            .requests
            .iter()
            .map(|r| r.load(std::sync::atomic::Ordering::Relaxed))
            .sum();
        assert_eq!(before, after, "{kind}: nothing sent");
    }
    assert!(
        j.deposits(None, false, 10).expect("list").is_empty(),
        "nothing journaled"
    );
}

#[tokio::test]
async fn a_lost_otpzap_reply_is_replayed_once_and_a_lost_gateotp_one_is_unclear() {
    let sim = sim_paying_after(Duration::from_secs(3600)).await;
    let j = Journal::open_in_memory().expect("journal");
    let zap = provider(&sim, ProviderKind::OtpZap, "sim-dep-zap-lost");
    sim.states.faults.push(FaultRule::once(
        Api::OtpZap,
        "/topup/create",
        Fault::LoseReply,
    ));
    let d = deposits::create(
        zap.as_ref(),
        &j,
        "z",
        &request(30_000, DepositMethod::Qris, "zap-lost-1"),
    )
    .await
    .expect("the replay with the same key gets the invoice");
    assert_eq!(d.status, DepositStatus::Pending);
    assert_eq!(
        sim.states.otpzap.deposits_made("sim-dep-zap-lost"),
        1,
        "one invoice, not two"
    );

    let gate = provider(&sim, ProviderKind::GateOtp, "sim-dep-gate-lost");
    sim.states.faults.push(FaultRule::once(
        Api::GateOtp,
        "/api/deposit/create",
        Fault::LoseReply,
    ));
    let e = deposits::create(
        gate.as_ref(),
        &j,
        "g",
        &request(30_000, DepositMethod::Qris, "gate-lost-1"),
    )
    .await
    .expect_err("unclear");
    let DepositError::Unclear { deposit, .. } = e else {
        panic!("expected an unclear deposit, got {e:?}");
    };
    assert_eq!(deposit.status, DepositStatus::Unknown);
    assert!(deposit
        .note
        .as_deref()
        .unwrap_or("")
        .contains("check the provider"));
    assert_eq!(
        sim.states.gateotp.deposits_made("sim-dep-gate-lost"),
        1,
        "never re-sent"
    );
}

/// A GateOTP USDT TRC-20 invoice from the simulator: the reply's fields
/// beyond the doc's QRIS ones (an address, a USDT amount, a network) come
/// back as the deposit's extras, labelled by their keys, and the journal
/// keeps them through a status poll that carries none.
#[tokio::test]
async fn a_gateotp_usdt_invoice_keeps_the_fields_the_doc_does_not_name() {
    let sim = sim_paying_after(Duration::from_secs(3600)).await;
    let j = Journal::open_in_memory().expect("journal");
    let p = provider(&sim, ProviderKind::GateOtp, "sim-dep-gate-usdt");
    let d = deposits::create(
        p.as_ref(),
        &j,
        "g",
        &request(50_000, DepositMethod::UsdtTrc20, "u1"),
    )
    .await
    .expect("created");
    assert_eq!(d.total, Some(Rupiah(51_000)), "{d:?}");
    let id = d.provider_id.clone().expect("trxId");
    let want = vec![
        ("address".to_string(), format!("TSimulatorUsdtAddress{id}")),
        ("amount_usdt".into(), "3.138462".into()),
        ("network".into(), "TRC-20 (TRON)".into()),
    ];
    assert_eq!(d.extras, want);
    assert_eq!(
        d.payment.as_deref(),
        Some(want[0].1.as_str()),
        "the QR is the address"
    );
    let polled = deposits::refresh(p.as_ref(), &j, &d).await.expect("status");
    assert_eq!(polled.status, DepositStatus::Pending);
    assert_eq!(polled.extras, want, "kept through a poll");
    // A QRIS invoice carries none.
    let q = deposits::create(
        p.as_ref(),
        &j,
        "g",
        &request(20_000, DepositMethod::Qris, "q1"),
    )
    .await
    .expect("created");
    assert!(q.extras.is_empty(), "{q:?}");
}

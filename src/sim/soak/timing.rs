//! The timing soak: `otpdeck soak --orders N --seconds S`. The real
//! dashboard runs headless (the same event loop, pollers, journal and
//! `update`, drawing into an off-screen 200×50 buffer) against the
//! in-process simulator at the real 4–5 s poll cadence, with OTPs arriving
//! at random times. The simulator records every status request, so the
//! poll intervals and any poll after a final status are seen where the
//! provider would see them; the loop reports when each OTP reached the
//! app's state. CPU and peak RSS are the whole process's (simulator
//! included) from getrusage.
//!
//! The orders are NEXOTP orders over several accounts, bought before the
//! loop starts and resumed by it as a restarted dashboard resumes them.

use super::sim_thread::SimThread;
use super::{fault_rules, figures, Api, ChaosReport};
use crate::app::BookAction;
use crate::app::{Action, App, AppSettings};
use crate::domain::{BuyRequest, ProviderKind};
use crate::engine::journal::Journal;
use crate::engine::orders;
use crate::money::Rupiah;
use crate::providers::{self, Auth, ProviderSettings, SharedProvider};
use crate::secret::Secret;
use crate::sim::nexotp::NEVER_PROVIDER;
use crate::sim::{SimHandle, SimOptions};
use crate::tui::{run_observed, Io, RuntimeAccount, RuntimeOptions};
use futures::StreamExt;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Longer than any regular poll interval (4–5 s) plus a reply.
const LAST_POLL: Duration = Duration::from_secs(6);

#[derive(Debug, Clone)]
pub struct TimingOptions {
    pub orders: usize,
    pub seconds: u64,
    /// Share of requests faulted while the loop runs (0: none).
    pub fault_rate: f64,
    /// NEXOTP accounts the orders are spread over.
    pub accounts: usize,
    /// Buys in flight at once while placing the orders.
    pub concurrency: usize,
}

#[derive(Debug, Clone, Copy, Serialize, Default, PartialEq)]
pub struct Quantiles {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p1: Option<f64>,
    pub p50: f64,
    pub p99: f64,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct TimingReport {
    /// The books, as the fast soak checks them (`orders`, `seconds` here
    /// are the requested figures).
    #[serde(flatten)]
    pub books: ChaosReport,
    /// Status requests the simulator answered while the loop ran.
    pub polls: usize,
    pub poll_interval_s: Quantiles,
    pub polls_after_final: usize,
    pub otp_latency_s: Quantiles,
    /// OTPs that became available while the loop ran (up to 6 s before
    /// its end) but never reached the app's state.
    pub otps_missed: usize,
    /// CPU seconds of the whole process while the loop ran.
    pub cpu_s: f64,
    /// Of `cpu_s`, the simulator's thread (a separate process in use).
    pub sim_cpu_s: f64,
    /// `cpu_s` less `sim_cpu_s`: the engine, runtime, journal and app.
    pub engine_cpu_s: f64,
    pub peak_rss_mb: f64,
    /// Wall time spent placing the orders before the loop started.
    pub setup_s: f64,
}

/// The `q`-th quantile (0..=1) of sorted `v`, nearest rank.
fn quantile(v: &[f64], q: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let i = ((v.len() as f64 * q).ceil() as usize).clamp(1, v.len()) - 1;
    v[i]
}

fn quantiles(mut v: Vec<f64>, with_p1: bool) -> Quantiles {
    v.sort_by(f64::total_cmp);
    let r = |x: f64| (x * 1000.0).round() / 1000.0;
    Quantiles {
        p1: with_p1.then(|| r(quantile(&v, 0.01))),
        p50: r(quantile(&v, 0.5)),
        p99: r(quantile(&v, 0.99)),
    }
}

/// (user + system CPU seconds, peak RSS in MB) of this process.
pub fn rusage() -> (f64, f64) {
    // SAFETY: getrusage only writes the struct we pass.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) } != 0 {
        return (0.0, 0.0);
    }
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    // ru_maxrss (kilobytes on Linux) outlives exec: under `cargo run` it
    // starts at cargo's own RSS (about 100 MB). The high-water mark of
    // this program's memory is /proc's VmHWM.
    let peak_kb = peak_rss_kb(&std::fs::read_to_string("/proc/self/status").unwrap_or_default())
        .unwrap_or(u.ru_maxrss as u64);
    (secs(u.ru_utime) + secs(u.ru_stime), peak_kb as f64 / 1024.0)
}

/// `VmHWM` of a `/proc/PID/status` text, in kB.
fn peak_rss_kb(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .strip_suffix("kB")?
        .trim()
        .parse()
        .ok()
}

/// Every in-stock offer of every service and country, so a thousand buys
/// do not drain one offer's stock.
async fn templates(p: &SharedProvider) -> Result<Vec<BuyRequest>, String> {
    let mut out = Vec::new();
    for svc in p.services().await.map_err(|e| e.to_string())? {
        for c in p.countries(&svc.id).await.map_err(|e| e.to_string())? {
            let offers = p
                .offers(&svc.id, Some(&c.id))
                .await
                .map_err(|e| e.to_string())?;
            for o in offers {
                if !o.in_stock() || o.id.contains(NEVER_PROVIDER) {
                    continue;
                }
                let n = o.stock.unwrap_or(1).max(1) as usize;
                let req = BuyRequest {
                    service_id: svc.id.clone(),
                    service_name: svc.name.clone(),
                    country_id: Some(c.id.clone()),
                    country_name: Some(c.name.clone()),
                    offer_id: o.id.clone(),
                    price: o.price,
                    operator: None,
                    idempotency_key: String::new(),
                    customer_number: None,
                };
                out.extend(std::iter::repeat_n(req, n));
            }
        }
    }
    Ok(out)
}

/// The key that ends the loop once the time is up.
fn quit_after(secs: u64) -> impl futures::Stream<Item = std::io::Result<Event>> + Unpin {
    let quit = async move {
        tokio::time::sleep(Duration::from_secs(secs)).await;
        Ok(Event::Key(KeyEvent::new(
            KeyCode::Char('c'),
            KeyModifiers::CONTROL,
        )))
    };
    Box::pin(futures::stream::once(quit).chain(futures::stream::pending()))
}

struct NoClipboard;

impl crate::tui::clipboard::CopyTarget for NoClipboard {
    fn copy(&mut self, _: &str, _: &mut dyn std::io::Write) -> Result<&'static str, String> {
        Err("no clipboard in the soak".into())
    }
}

/// Runs the timing soak, journaling into `journal`.
pub async fn run_timing(
    opts: &TimingOptions,
    journal: Arc<Journal>,
) -> Result<TimingReport, String> {
    let seconds = opts.seconds.max(10);
    // OTPs come 8 s + up to half the run after a buy; orders end (success
    // or expired) 8 s before the run does, so the tail shows whether any
    // poller goes on after a final status.
    let (sim, sim_thread) = SimThread::start(SimOptions {
        otp_delay: Duration::from_secs(8),
        order_lifetime: Duration::from_secs(seconds.saturating_sub(8).max(seconds * 3 / 4)),
        cancel_cooldown: Duration::ZERO,
        initial_balance: Rupiah(1_000_000_000),
        ..Default::default()
    })
    .await
    .map_err(|e| format!("cannot start the simulator: {e}"))?;
    sim.states
        .nexotp
        .trace_polls(Duration::from_secs(seconds / 2));
    let setup = Instant::now();
    let mut built = Vec::new();
    for i in 0..opts.accounts.max(1) {
        let key = format!("sim-soak-{i}");
        let settings = ProviderSettings::new(
            ProviderKind::NexOtp,
            sim.urls.nexotp.clone(),
            Auth::ApiKey(Secret::new(key.clone())),
        );
        let provider = providers::build(&settings).map_err(|e| e.to_string())?;
        built.push((format!("soak-{i}"), settings, key, provider));
    }
    let reqs = templates(&built[0].3).await?;
    if reqs.len() < opts.orders {
        return Err(format!(
            "the simulator has stock for {} orders, not {}",
            reqs.len(),
            opts.orders
        ));
    }
    let apis: Vec<(String, ProviderSettings, Api)> = built
        .into_iter()
        .map(|(name, settings, key, provider)| {
            let api = Api {
                kind: ProviderKind::NexOtp,
                key,
                provider,
                template: reqs[0].clone(),
            };
            (name, settings, api)
        })
        .collect();
    let start_balances: Vec<i64> = apis
        .iter()
        .map(|(_, _, a)| super::balance_of(&sim, a))
        .collect();
    place(opts, &apis, &reqs, &journal).await?;
    let setup_s = setup.elapsed().as_secs_f64();

    if opts.fault_rate > 0.0 {
        for rule in fault_rules(opts.fault_rate) {
            sim.states.faults.push(rule);
        }
    }
    let requests_before = requests(&sim);
    let accounts = apis
        .iter()
        .map(|(name, s, _)| RuntimeAccount::new(name.clone(), ProviderKind::NexOtp, Ok(s.clone())))
        .collect();
    let runtime = RuntimeOptions {
        accounts,
        settings: AppSettings {
            auto_cancel_before: Duration::ZERO,
            ..Default::default()
        },
        journal: journal.clone(),
        clipboard: crate::config::ClipboardMode::Off,
        osc52_passthrough: false,
        balance_refresh: crate::config::Config::default().balance_refresh,
        notices: Vec::new(),
        rules: Default::default(),
        webhook: None,
    };
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).map_err(|e| e.to_string())?;
    let io = Io {
        clipboard: Box::new(NoClipboard),
        out: Box::new(std::io::sink()),
    };
    // When each order's first OTP was in the app's state, by the API's id.
    let mut otp_seen: HashMap<String, Instant> = HashMap::new();
    let mut observe = |a: &Action, app: &App| {
        if let Action::Book(BookAction::OrderChanged(o)) = a {
            let in_state = app
                .book
                .orders
                .get(&o.id)
                .is_some_and(|o| !o.otps.is_empty());
            if let (true, Some(pid)) = (in_state, &o.provider_order_id) {
                otp_seen.entry(pid.clone()).or_insert_with(Instant::now);
            }
        }
    };
    let (cpu0, _) = rusage();
    let sim_cpu0 = sim_thread.cpu_s();
    let started = Instant::now();
    run_observed(
        &mut terminal,
        quit_after(seconds),
        runtime,
        io,
        Some(&mut observe),
    )
    .await?;
    let ended = Instant::now();
    let (cpu1, peak_rss_mb) = rusage();
    let sim_cpu_s = sim_thread.cpu_s() - sim_cpu0;
    let requests_after = requests(&sim);
    let faults_injected = sim.states.faults.injected();
    sim.states.faults.clear();

    let traces = sim.states.nexotp.poll_traces();
    let mut intervals = Vec::new();
    let mut latencies = Vec::new();
    let (mut polls, mut after_final, mut missed) = (0, 0, 0);
    for (id, t) in &traces {
        let during: Vec<Instant> = t
            .polls
            .iter()
            .copied()
            .filter(|p| *p >= started && *p <= ended)
            .collect();
        polls += during.len();
        after_final += t.after_final();
        intervals.extend(during.windows(2).map(|w| (w[1] - w[0]).as_secs_f64()));
        // An OTP due in the last poll interval may rightly not be in yet.
        let Some(due) = t.otp_at.filter(|d| *d + LAST_POLL < ended) else {
            continue;
        };
        // An OTP due while the orders were still being placed counts from
        // the loop's start: nothing was polling before it.
        let from = due.max(started);
        match otp_seen.get(id) {
            Some(seen) => latencies.push(seen.saturating_duration_since(from).as_secs_f64()),
            None => missed += 1,
        }
    }
    let mut books = ChaosReport {
        orders: opts.orders,
        requests: requests_after - requests_before,
        faults_injected,
        ..Default::default()
    };
    for ((account, _, api), start) in apis.iter().zip(start_balances) {
        books.add(figures(&sim, api, account, &journal, start)?);
    }
    books.seconds = (ended - started).as_secs_f64();
    sim.stop().await;
    sim_thread.finish().await;
    let ms = |s: f64| (s * 1000.0).round() / 1000.0;
    Ok(TimingReport {
        books,
        polls,
        poll_interval_s: quantiles(intervals, true),
        polls_after_final: after_final,
        otp_latency_s: quantiles(latencies, false),
        otps_missed: missed,
        cpu_s: ms(cpu1 - cpu0),
        sim_cpu_s: ms(sim_cpu_s),
        engine_cpu_s: ms(cpu1 - cpu0 - sim_cpu_s),
        peak_rss_mb: (peak_rss_mb * 10.0).round() / 10.0,
        setup_s,
    })
}

fn requests(sim: &SimHandle) -> u64 {
    sim.states
        .requests
        .iter()
        .map(|r| r.load(std::sync::atomic::Ordering::Relaxed))
        .sum()
}

/// Places `opts.orders` buys round-robin over the accounts, each with its
/// own key, `opts.concurrency` at a time.
async fn place(
    opts: &TimingOptions,
    apis: &[(String, ProviderSettings, Api)],
    reqs: &[BuyRequest],
    journal: &Arc<Journal>,
) -> Result<(), String> {
    let sem = Arc::new(tokio::sync::Semaphore::new(opts.concurrency.max(1)));
    let mut tasks = Vec::new();
    for (i, req) in reqs.iter().take(opts.orders).enumerate() {
        let (account, _, api) = &apis[i % apis.len()];
        let (account, provider) = (account.clone(), api.provider.clone());
        let mut req = req.clone();
        req.idempotency_key = format!("soak-{i}");
        let (journal, sem) = (journal.clone(), sem.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = sem.acquire().await.map_err(|e| e.to_string())?;
            orders::buy(provider.as_ref(), &journal, &account, &req)
                .await
                .map(|_| ())
                .map_err(|e| format!("buy {i}: {e}"))
        }));
    }
    for t in tasks {
        t.await.map_err(|e| e.to_string())??;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_by_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        let q = quantiles(v, true);
        assert_eq!(q.p1, Some(1.0));
        assert_eq!(q.p50, 50.0);
        assert_eq!(q.p99, 99.0);
        assert_eq!(quantiles(Vec::new(), false).p50, 0.0);
    }

    #[test]
    fn peak_rss_is_this_programs_high_water_mark() {
        let status =
            "Name:\totpdeck\nVmPeak:\t  900000 kB\nVmHWM:\t   40312 kB\nVmRSS:\t   39000 kB\n";
        assert_eq!(peak_rss_kb(status), Some(40_312));
        assert_eq!(peak_rss_kb("Name:\tx\n"), None);
        // This process's own, in MB: more than nothing, less than a
        // runaway (a test binary is a few tens of MB).
        let (_, mb) = rusage();
        assert!(mb > 1.0 && mb < 2_000.0, "{mb}");
    }
}

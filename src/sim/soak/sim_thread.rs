//! The timing soak's simulator on a thread of its own, with its own
//! single-threaded runtime, so the soak can tell the engine's CPU from
//! the simulator's (`sim_cpu_s`, `engine_cpu_s`): in the dashboard the
//! simulator is a separate process and costs the user nothing.

use crate::sim::{self, SimHandle, SimOptions};
use tokio::sync::oneshot;

pub struct SimThread {
    /// The thread's id, for its CPU time in /proc/self/task.
    tid: i32,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SimThread {
    /// Starts the simulator on its own thread; its tasks, timers and
    /// sockets all live on that thread's runtime.
    pub async fn start(opts: SimOptions) -> Result<(SimHandle, SimThread), String> {
        let (ready_tx, ready_rx) = oneshot::channel();
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("soak-sim".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(format!("cannot start its runtime: {e}")));
                        return;
                    }
                };
                // SAFETY: gettid has no preconditions.
                let tid = unsafe { libc::gettid() };
                let started = rt.block_on(sim::start_local(opts));
                let ok = started.is_ok();
                let _ = ready_tx.send(started.map(|h| (h, tid)).map_err(|e| e.to_string()));
                if ok {
                    // Serve until told to stop (or the soak is gone).
                    let _ = rt.block_on(stop_rx);
                }
            })
            .map_err(|e| format!("cannot start its thread: {e}"))?;
        let (handle, tid) = ready_rx
            .await
            .map_err(|_| "its thread ended before it started".to_string())??;
        Ok((
            handle,
            SimThread {
                tid,
                stop: Some(stop_tx),
                thread: Some(thread),
            },
        ))
    }

    /// CPU seconds (user + system) the simulator's thread has used.
    pub fn cpu_s(&self) -> f64 {
        thread_cpu_s(self.tid).unwrap_or(0.0)
    }

    /// Ends the thread (after `SimHandle::stop`).
    pub async fn finish(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = tokio::task::spawn_blocking(move || t.join()).await;
        }
    }
}

/// utime + stime of thread `tid` of this process, from its stat line.
fn thread_cpu_s(tid: i32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/self/task/{tid}/stat")).ok()?;
    // The fields after the command name, which may hold spaces, in ().
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // Fields 14 and 15 of the line (utime, stime) are 11 and 12 here.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    (hz > 0).then(|| ticks as f64 / hz as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_thread_shows_its_cpu_time() {
        // SAFETY: gettid has no preconditions.
        let tid = unsafe { libc::gettid() };
        let before = thread_cpu_s(tid).expect("this thread's stat");
        let t = std::time::Instant::now();
        let mut x = 0u64;
        while t.elapsed() < std::time::Duration::from_millis(300) {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
        }
        let after = thread_cpu_s(tid).expect("this thread's stat");
        assert!(after - before >= 0.05, "{before} -> {after}");
        assert!(thread_cpu_s(-1).is_none());
    }
}

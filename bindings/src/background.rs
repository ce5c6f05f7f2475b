//! Slow calls run on a thread of their own and are awaited, with no async runtime.
//!
//! uniffi turns an exported `async fn` into a Kotlin `suspend fun` and a Swift `async`
//! function, and the foreign side polls the Rust future. The work behind these calls blocks
//! (Argon2id, scrypt, SQLite, the platform key store), so it must never run inside `poll`,
//! which may be on the caller's main thread: each call gets a thread, and the future only
//! waits for its answer. No runtime (tokio, async-std) is pulled in; a library that never
//! reaches the network has no use for one, and a thread per call is nothing beside a KDF.
//!
//! Cancelling (a coroutine cancelled, a Swift task cancelled) drops the future, not the work:
//! every core call is one transaction, so it finishes whole on its thread or fails whole, and
//! its answer is dropped. Nothing is left half-done. A call that must not take effect once
//! nobody waits for it (an unlock) asks [`Cancelled::is_set`] before it commits.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use crate::error::{HarbourError, Result};

/// Whether the caller stopped waiting (its future was dropped before the answer came).
#[derive(Clone)]
pub(crate) struct Cancelled(Arc<AtomicBool>);

impl Cancelled {
    pub(crate) fn is_set(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

struct Slot<T> {
    /// The work's outcome; a panic is carried across and resumed in `poll`, so uniffi reports
    /// it as it does for a blocking call instead of the caller waiting forever.
    answer: Option<std::thread::Result<Result<T>>>,
    waker: Option<Waker>,
}

type Shared<T> = Arc<Mutex<Slot<T>>>;

fn slot<T>(shared: &Shared<T>) -> MutexGuard<'_, Slot<T>> {
    // The slot holds no invariant a panic could break: take it even if poisoned.
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs `work` on a new thread and resolves to its result.
pub(crate) async fn run<T: Send + 'static>(
    work: impl FnOnce(Cancelled) -> Result<T> + Send + 'static,
) -> Result<T> {
    let shared: Shared<T> = Arc::new(Mutex::new(Slot {
        answer: None,
        waker: None,
    }));
    let cancelled = Cancelled(Arc::new(AtomicBool::new(false)));
    let on_thread = (Arc::clone(&shared), cancelled.clone());
    std::thread::Builder::new()
        .name("harbour-call".to_owned())
        .spawn(move || {
            let (shared, cancelled) = on_thread;
            let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(cancelled)));
            let waker = {
                let mut slot = slot(&shared);
                slot.answer = Some(out);
                slot.waker.take()
            };
            if let Some(w) = waker {
                w.wake();
            }
        })
        // The system is out of threads for now: a typed error the app can retry on.
        .map_err(|e| HarbourError::from(harbour_core::Error::Io(e.kind())))?;
    Answer { shared, cancelled }.await
}

struct Answer<T> {
    shared: Shared<T>,
    cancelled: Cancelled,
}

impl<T> Future for Answer<T> {
    type Output = Result<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T>> {
        let mut slot = slot(&self.shared);
        match slot.answer.take() {
            Some(Ok(answer)) => Poll::Ready(answer),
            Some(Err(panic)) => {
                drop(slot);
                std::panic::resume_unwind(panic)
            }
            None => {
                slot.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

impl<T> Drop for Answer<T> {
    fn drop(&mut self) {
        self.cancelled.0.store(true, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]

    use super::*;
    use std::sync::mpsc;
    use std::task::Wake;

    /// Wakes by sending on a channel, so a test can block until the future is ready.
    struct ChannelWaker(Mutex<mpsc::Sender<()>>);

    impl Wake for ChannelWaker {
        fn wake(self: Arc<Self>) {
            let _ = self.0.lock().unwrap().send(());
        }
    }

    fn block_on<F: Future>(f: F) -> F::Output {
        let (tx, rx) = mpsc::channel();
        let waker = Waker::from(Arc::new(ChannelWaker(Mutex::new(tx))));
        let mut cx = Context::from_waker(&waker);
        let mut f = std::pin::pin!(f);
        loop {
            if let Poll::Ready(out) = f.as_mut().poll(&mut cx) {
                return out;
            }
            rx.recv().unwrap();
        }
    }

    #[test]
    fn the_work_runs_off_the_polling_thread() {
        let caller = std::thread::current().id();
        let worker = block_on(run(|_| Ok(std::thread::current().id()))).unwrap();
        assert_ne!(worker, caller);
    }

    #[test]
    fn errors_arrive_as_they_were() {
        let out: Result<()> = block_on(run(|_| Err(HarbourError::Locked)));
        assert!(matches!(out, Err(HarbourError::Locked)));
    }

    #[test]
    fn a_panic_in_the_work_reaches_the_poller() {
        let caught = std::panic::catch_unwind(|| {
            let _ = block_on(run::<()>(|_| panic!("deliberate")));
        });
        assert!(caught.is_err(), "the caller must not wait forever");
    }

    #[test]
    fn dropping_the_future_tells_the_work() {
        let (started_tx, started_rx) = mpsc::channel();
        let (go_tx, go_rx) = mpsc::channel::<()>();
        let (seen_tx, seen_rx) = mpsc::channel();
        let fut = Box::pin(run(move |cancelled| {
            started_tx.send(()).unwrap();
            go_rx.recv().unwrap();
            seen_tx.send(cancelled.is_set()).unwrap();
            Ok(())
        }));
        // Poll once so the thread starts, then give up on the answer.
        let waker = Waker::noop();
        let mut fut = fut;
        assert!(
            fut.as_mut()
                .poll(&mut Context::from_waker(waker))
                .is_pending()
        );
        started_rx.recv().unwrap();
        drop(fut);
        go_tx.send(()).unwrap();
        assert!(seen_rx.recv().unwrap(), "the work sees it was cancelled");
    }
}

//! Requests in flight, by an id the UI chooses, so that a Cancel button can
//! stop one before it finishes.

use crate::error::{Error, Result};
use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use tokio::task::AbortHandle;

#[derive(Default)]
pub struct InFlight {
    running: Mutex<HashMap<u64, AbortHandle>>,
}

impl InFlight {
    /// Runs `work` as its own task under `id` until it finishes or
    /// [`InFlight::cancel`] is called with the same id.
    pub async fn run<T, F>(&self, id: u64, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: Future<Output = Result<T>> + Send + 'static,
    {
        let task = tokio::spawn(work);
        self.lock().insert(id, task.abort_handle());
        let outcome = task.await;
        self.lock().remove(&id);
        match outcome {
            Ok(result) => result,
            Err(join) if join.is_cancelled() => Err(Error::Cancelled),
            Err(_) => Err(Error::Internal("the request stopped unexpectedly".into())),
        }
    }

    /// Stops the request `id`; false when nothing with that id is running.
    pub fn cancel(&self, id: u64) -> bool {
        match self.lock().remove(&id) {
            Some(handle) => {
                handle.abort();
                true
            }
            None => false,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, AbortHandle>> {
        self.running.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Duration;

    #[tokio::test]
    async fn a_cancelled_request_ends_with_the_cancelled_error() {
        let in_flight = Arc::new(InFlight::default());
        let runner = in_flight.clone();
        let task = tokio::spawn(async move {
            runner
                .run(7, async {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    Ok(())
                })
                .await
        });
        while !in_flight.lock().contains_key(&7) {
            tokio::task::yield_now().await;
        }
        assert!(in_flight.cancel(7));
        let result = task.await.unwrap();
        assert!(matches!(result, Err(Error::Cancelled)), "got {result:?}");
        assert!(!in_flight.cancel(7), "a finished request is no longer cancellable");
    }

    #[tokio::test]
    async fn a_finished_request_returns_its_result() {
        let in_flight = InFlight::default();
        let value = in_flight.run(1, async { Ok(41 + 1) }).await.unwrap();
        assert_eq!(value, 42);
    }
}

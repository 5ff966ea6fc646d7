//! `StoreHandle`: the SQLite store, reachable from async code without blocking it.

use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::booking::store::{Store, StoreError};

/// The one store of the process, shared by every call.
///
/// SQLite calls block (disk, locks), and an actor's thread also moves audio, so every call
/// runs on tokio's blocking pool. One connection behind a mutex is enough: the writes are a
/// few per call, and SQLite serialises writers anyway.
#[derive(Clone)]
pub struct StoreHandle {
    store: Arc<Mutex<Store>>,
}

impl StoreHandle {
    /// Opens (creating and migrating) the database file.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Ok(StoreHandle {
            store: Arc::new(Mutex::new(Store::open(path)?)),
        })
    }

    /// An in-memory store (tests, or a deployment that wants no file).
    pub fn in_memory() -> Result<Self, StoreError> {
        Ok(StoreHandle {
            store: Arc::new(Mutex::new(Store::open_in_memory()?)),
        })
    }

    /// Runs `f` against the store on the blocking pool.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let store = self.store.clone();
        let task = tokio::task::spawn_blocking(move || {
            // A panic elsewhere while holding the lock leaves the connection itself usable.
            let store = store.lock().unwrap_or_else(|p| p.into_inner());
            f(&store)
        });
        match task.await {
            Ok(result) => result,
            Err(e) => Err(StoreError::Worker(e.to_string())),
        }
    }

    /// The shared store, for [`crate::booking::mailer::deliver_due`].
    pub fn shared(&self) -> &Arc<Mutex<Store>> {
        &self.store
    }
}

//! Label values a client can choose, bounded: the first `limit` distinct values are kept, the
//! rest fold into [`OTHER`].

use std::collections::HashSet;
use std::sync::RwLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{MAX_LABEL_LEN, OTHER};

/// A bounded set of label values.
pub(super) struct Bounded {
    limit: AtomicUsize,
    /// Values kept whatever the limit.
    reserved: RwLock<HashSet<Box<str>>>,
    kept: RwLock<HashSet<Box<str>>>,
}

impl Bounded {
    pub fn new(limit: usize) -> Self {
        Self {
            limit: AtomicUsize::new(limit),
            reserved: Default::default(),
            kept: Default::default(),
        }
    }

    pub fn limit(&self) -> usize {
        self.limit.load(Ordering::Relaxed)
    }

    pub fn set_limit(&self, limit: usize) {
        self.limit.store(limit, Ordering::Relaxed);
    }

    /// Keeps `value` whatever the limit.
    pub fn reserve(&self, value: &str) {
        if acceptable(value)
            && let Ok(mut reserved) = self.reserved.write()
        {
            reserved.insert(value.into());
        }
    }

    /// `value` when it is kept (or can still be), else [`OTHER`].
    pub fn label<'a>(&self, value: &'a str) -> &'a str {
        if !acceptable(value) {
            return OTHER;
        }
        if let Ok(kept) = self.kept.read()
            && kept.contains(value)
        {
            return value;
        }
        if let Ok(reserved) = self.reserved.read()
            && reserved.contains(value)
        {
            return value;
        }
        let Ok(mut kept) = self.kept.write() else {
            return OTHER;
        };
        if kept.contains(value) {
            value
        } else if kept.len() < self.limit() {
            kept.insert(value.into());
            value
        } else {
            OTHER
        }
    }
}

/// Neither empty, nor too long, nor [`OTHER`] itself.
fn acceptable(value: &str) -> bool {
    !value.is_empty() && value.len() <= MAX_LABEL_LEN && value != OTHER
}

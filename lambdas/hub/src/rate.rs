//! A token bucket for Security Hub's request rate, and backoff delays with jitter.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Requests per second Security Hub allows for BatchImportFindings, per account and region.
pub const SECURITY_HUB_RATE: f64 = 10.0;
/// The burst Security Hub allows for BatchImportFindings.
pub const SECURITY_HUB_BURST: f64 = 30.0;

/// A token bucket: holds at most `capacity` tokens and gains `rate` tokens per second. Each
/// request takes one token, waiting until one is there. Shared by the concurrent requests of an
/// import (and across invocations of a warm container).
#[derive(Debug)]
pub struct TokenBucket {
    capacity: f64,
    rate: f64,
    state: Mutex<(f64, Instant)>,
}

impl TokenBucket {
    /// A full bucket. `rate` must be positive.
    pub fn new(rate: f64, capacity: f64) -> Self {
        let rate = if rate > 0.0 { rate } else { 1.0 };
        let capacity = capacity.max(1.0);
        TokenBucket {
            capacity,
            rate,
            state: Mutex::new((capacity, Instant::now())),
        }
    }

    /// Security Hub's BatchImportFindings rate: 10 per second, burst 30.
    pub fn security_hub() -> Self {
        TokenBucket::new(SECURITY_HUB_RATE, SECURITY_HUB_BURST)
    }

    /// Takes a token, waiting as long as needed.
    pub async fn acquire(&self) {
        loop {
            let wait = {
                let mut st = match self.state.lock() {
                    Ok(g) => g,
                    Err(p) => p.into_inner(),
                };
                let now = Instant::now();
                let elapsed = now.saturating_duration_since(st.1).as_secs_f64();
                st.0 = (st.0 + elapsed * self.rate).min(self.capacity);
                st.1 = now;
                if st.0 >= 1.0 {
                    st.0 -= 1.0;
                    return;
                }
                Duration::from_secs_f64((1.0 - st.0) / self.rate)
            };
            tokio::time::sleep(wait).await;
        }
    }
}

/// Exponential backoff with jitter: attempt `n` (0-based) waits a random time between half and
/// all of `min(cap, base × 2ⁿ)` ("equal jitter": spreads retries out, never retries at once).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            base: Duration::from_millis(250),
            cap: Duration::from_secs(8),
        }
    }
}

impl Backoff {
    /// The delay before retry number `attempt + 1`.
    pub fn delay(&self, attempt: u32) -> Duration {
        let full = self
            .base
            .checked_mul(1u32.checked_shl(attempt.min(20)).unwrap_or(u32::MAX))
            .unwrap_or(self.cap)
            .min(self.cap);
        let half = full / 2;
        let span = (full - half).as_nanos() as u64;
        let jitter = if span == 0 {
            0
        } else {
            random_u64() % (span + 1)
        };
        half + Duration::from_nanos(jitter)
    }
}

/// A small non-cryptographic random number (splitmix64 over a clock seed and a counter):
/// enough to spread retries, no dependency.
fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let mut z = seed.wrapping_add(
        COUNTER
            .fetch_add(1, Ordering::Relaxed)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15),
    );
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn burst_then_rate() {
        let b = TokenBucket::new(10.0, 30.0);
        let start = Instant::now();
        for _ in 0..30 {
            b.acquire().await;
        }
        assert!(
            start.elapsed() < Duration::from_millis(1),
            "the burst is free"
        );
        for _ in 0..20 {
            b.acquire().await;
        }
        let e = start.elapsed();
        // 20 more at 10 per second: about 2 seconds
        assert!(
            e >= Duration::from_millis(1990) && e <= Duration::from_millis(2100),
            "{e:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_takers_share_the_rate() {
        let b = std::sync::Arc::new(TokenBucket::new(10.0, 30.0));
        let start = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..6 {
            let b = b.clone();
            tasks.push(tokio::spawn(async move {
                for _ in 0..10 {
                    b.acquire().await;
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        // 60 tokens: 30 of burst plus 30 at 10/s
        let e = start.elapsed();
        assert!(
            e >= Duration::from_millis(2990) && e <= Duration::from_millis(3200),
            "{e:?}"
        );
    }

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        let b = Backoff {
            base: Duration::from_millis(100),
            cap: Duration::from_secs(2),
        };
        for attempt in 0..40 {
            let full = (Duration::from_millis(100) * 2u32.saturating_pow(attempt.min(20)))
                .min(Duration::from_secs(2));
            let d = b.delay(attempt);
            assert!(d >= full / 2 && d <= full, "{attempt}: {d:?}");
        }
        let spread: std::collections::HashSet<_> = (0..50).map(|_| b.delay(3)).collect();
        assert!(spread.len() > 10, "jitter spreads the delays");
    }
}

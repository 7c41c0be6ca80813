//! stdout as a file that reports its errors.
//!
//! `std::io::stdout()` swallows `EBADF` (a closed or read-only fd 1 "succeeds"), and the Rust
//! runtime opens `/dev/null` over a closed fd 1 before `main`, so that a closed stdout cannot be
//! told from one redirected to `/dev/null` later. On Linux, a constructor that runs before the
//! runtime's start records whether fd 1 was open; [`writer`] writes through a duplicate of fd 1,
//! so that every error of the write (`EBADF`, `ENOSPC`, `EPIPE`) reaches the caller.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

static CLOSED: AtomicBool = AtomicBool::new(false);

/// Whether fd 1 was closed when the process started (Linux; elsewhere `false`).
pub fn was_closed() -> bool {
    CLOSED.load(Ordering::Relaxed)
}

#[cfg(target_os = "linux")]
mod at_start {
    use std::sync::atomic::Ordering;

    /// Runs from `.init_array`, before the Rust runtime sanitises the standard descriptors.
    extern "C" fn check_fd1() {
        // `/proc/self/fd/1` exists only while fd 1 is open
        let closed = std::fs::symlink_metadata("/proc/self/fd").is_ok()
            && std::fs::symlink_metadata("/proc/self/fd/1").is_err();
        super::CLOSED.store(closed, Ordering::Relaxed);
    }

    #[used]
    #[link_section = ".init_array"]
    static CHECK_FD1: extern "C" fn() = check_fd1;
}

/// A writer on fd 1 that reports errors.
#[cfg(unix)]
pub fn writer() -> std::io::Result<impl Write> {
    use std::os::fd::AsFd;
    let fd = std::io::stdout().as_fd().try_clone_to_owned()?;
    Ok(std::fs::File::from(fd))
}

#[cfg(not(unix))]
pub fn writer() -> std::io::Result<impl Write> {
    Ok(std::io::stdout())
}

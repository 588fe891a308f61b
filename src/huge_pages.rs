//! Transparent huge pages for the heap, on Linux with glibc.
//!
//! A large run (20,000 servers) touches about 130 MiB of heap, one 4 KiB page
//! at a time: some 32,000 page faults, which in a virtual machine cost a
//! quarter of the run's CPU time. glibc's malloc can ask the kernel for 2 MiB
//! pages instead (`glibc.malloc.hugetlb=1`, glibc 2.35 and later; older
//! versions ignore it): less than half the page faults, and a median 0.03 s
//! faster on that run for 7–10 MiB more memory (docs/performance.md). glibc
//! reads that setting only from the environment when a process starts, so
//! wslint starts itself again, once, with it set. Programs wslint runs
//! (`nginx -v`, `nginx -t`) inherit it, which changes nothing for them.
//!
//! When `GLIBC_TUNABLES` is already set (by the user, or by this restart),
//! nothing happens: setting it to anything, even empty, turns this off. When
//! the restart cannot be made (no `/proc`), the run goes on as it is.

/// The glibc setting asked for.
pub const TUNABLES: &str = "glibc.malloc.hugetlb=1";

/// Starts this program again with [`TUNABLES`] in its environment, unless
/// `GLIBC_TUNABLES` is set. Returns only when it did not restart.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn restart_with_huge_pages() {
    use std::os::unix::process::CommandExt;
    if std::env::var_os("GLIBC_TUNABLES").is_some() {
        return;
    }
    let mut args = std::env::args_os();
    let program_name = args.next().unwrap_or_else(|| "wslint".into());
    // `exec` replaces this process (same id, same open files and standard
    // streams) and returns only if it failed.
    let _failed = std::process::Command::new("/proc/self/exe")
        .arg0(program_name)
        .args(args)
        .env("GLIBC_TUNABLES", TUNABLES)
        .exec();
}

/// Other platforms keep their allocator as it is.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn restart_with_huge_pages() {}

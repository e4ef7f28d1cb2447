import CLinux
import Glibc

/// glibc malloc settings for a small, long-running server.
///
/// By default glibc gives each thread that allocates its own arena and raises its mmap
/// threshold every time a large block is freed, so the multi-megabyte buffers of a big scrape
/// end up parked in several heaps. Measured on a 1,000×10 fixture: peak RSS 35 MB with the
/// defaults, 26 MB with one arena. A fixed mmap threshold sends large buffers straight back to
/// the kernel when a scrape ends. It sits above the 256 KiB response chunks on purpose: with it
/// below them, every chunk (and its NIO copy) was a fresh mmap, and a 1,000×10 netlink scrape
/// took 12,000 page faults instead of 400 — under the kernel lab's emulated CPU a third of the
/// scrape's time. Chunks now come from the heap and are reused; the peak stays the same.
/// The trim threshold is what the heap may keep free at its top between scrapes: at 1 MiB,
/// the few chunks a streaming response holds at once were handed back to the kernel and
/// faulted in again on every scrape (1,150 page faults per 1,000×10 procfs scrape); at 4 MiB,
/// 19, for 2 MB more peak RSS.
enum MemoryTuning {
    static func apply() {
        _ = mallopt(M_ARENA_MAX, 1)
        _ = mallopt(M_MMAP_THRESHOLD, 1 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, 4 << 20)
    }
}

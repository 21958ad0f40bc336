//! Returning freed memory to the system, so that a server that was typed into shrinks again.

/// Asks the C allocator to give back the free memory at the top of its heaps and the free pages
/// inside them. With glibc this is `malloc_trim`; elsewhere it does nothing.
pub fn return_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            fn malloc_trim(pad: usize) -> i32;
        }
        // SAFETY: malloc_trim takes no pointers and only releases memory that is free.
        unsafe {
            malloc_trim(0);
        }
    }
}

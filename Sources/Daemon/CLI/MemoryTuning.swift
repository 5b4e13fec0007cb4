/// How the C allocator treats the daemon's big answers.
enum MemoryTuning {
    /// A search of 2000 records or a page of 200 builds an answer of megabytes. glibc hands
    /// blocks that big out as fresh mappings and unmaps them on free, so every such request
    /// faulted its answer's pages in again: 15 % of a search's time in a profile. Kept in the
    /// heap instead (up to 64 MiB a block, and 256 MiB of free heap before any is returned), the
    /// memory is reused from one request to the next. The price is resident memory the daemon
    /// already needed at its busiest.
    static func keepLargeBlocks() {
        #if os(Linux)
        // <malloc.h>'s parameters, which the Glibc module does not export.
        let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3
        _ = mallopt(mmapThreshold, 64 << 20)
        _ = mallopt(trimThreshold, 256 << 20)
        #endif
    }
}

#if os(Linux)
@_silgen_name("mallopt")
private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif

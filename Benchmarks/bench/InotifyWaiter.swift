import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Waits for files to appear (be written or renamed) in one directory, using inotify.
final class InotifyWaiter {
    let fd: Int32
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    init(directory: String) {
        fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        inotify_add_watch(fd, directory, UInt32(IN_MOVED_TO | IN_CLOSE_WRITE | IN_CREATE))
    }

    deinit { close(fd) }

    /// Returns true once an event for `name` was read, false after `timeout` seconds.
    func wait(for name: String, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { continue }
            var offset = 0
            var found = false
            buffer.withUnsafeBytes { raw in
                while offset + MemoryLayout<inotify_event>.size <= count {
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    let start = offset + MemoryLayout<inotify_event>.size
                    if event.len > 0 {
                        let bytes = raw[start..<(start + Int(event.len))].prefix { $0 != 0 }
                        if String(decoding: bytes, as: UTF8.self) == name { found = true }
                    }
                    offset = start + Int(event.len)
                }
            }
            if found { return true }
        }
        return false
    }
}

/// `inotifywait -m` on a directory, its output lines read as they come: the baseline watcher.
final class InotifywaitProcess {
    let process = Process()
    let pipe = Pipe()
    var pending = Data()

    init(directory: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/inotifywait")
        process.arguments = ["-m", "-q", "-e", "moved_to,close_write", "--format", "%f", directory]
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(200_000)
    }

    deinit {
        process.terminate()
        process.waitUntilExit()
    }

    /// Returns true once inotifywait printed `name`.
    func wait(for name: String, timeout: Double) -> Bool {
        let fd = pipe.fileHandleForReading.fileDescriptor
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            while let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending.removeSubrange(pending.startIndex...newline)
                if line == name { return true }
            }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = read(fd, &chunk, chunk.count)
            if count > 0 { pending.append(contentsOf: chunk[0..<count]) }
        }
        return false
    }
}

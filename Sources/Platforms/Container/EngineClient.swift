import AsyncHTTPClient
import FoundationEssentials
import NIOCore
import RouterEntities
import TextSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A small client for the Docker Engine API (and podman's Docker-compatible API) over a unix socket.
///
/// The API version is negotiated once with `GET /version`: the lower of the engine's newest and
/// ``maximumAPIVersion``. Every request carries `Host: localhost` (dockerd answers 400 without a Host header,
/// and AsyncHTTPClient sends none over unix sockets).
public actor EngineClient {
    /// The newest API version this client speaks (Debian 12's docker serves at most 1.41).
    public static let maximumAPIVersion = "1.41"

    /// The engine's socket path.
    public nonisolated let socketPath: String
    /// The engine's name for messages ("docker", "podman").
    public nonisolated let engineName: String
    let httpClient: HTTPClient
    let requestTimeout: TimeAmount
    var negotiatedVersion: String?
    /// How many requests that change the engine's state (POST, DELETE) were sent, for tests and logs.
    public private(set) var writeRequests = 0

    /// Creates a client for the engine at `socketPath`.
    public init(socketPath: String, engineName: String = "docker", httpClient: HTTPClient = .shared, requestTimeout: TimeAmount = .seconds(30)) {
        self.socketPath = socketPath
        self.engineName = engineName
        self.httpClient = httpClient
        self.requestTimeout = requestTimeout
    }

    // MARK: - System

    /// `GET /_ping`: throws unless the engine answers.
    public func ping() async throws {
        let response = try await send("GET", "/_ping", versioned: false)
        guard response.status == 200 else { throw apiError(response, "ping") }
    }

    /// `GET /version`.
    public func version() async throws -> EngineVersion {
        let response = try await send("GET", "/version", versioned: false)
        guard response.status == 200 else { throw apiError(response, "version") }
        return try decode(EngineVersion.self, response.body, "version")
    }

    /// The negotiated API version (asks the engine the first time).
    public func apiVersion() async throws -> String {
        if let negotiatedVersion { return negotiatedVersion }
        let version = try await version().negotiated(ceiling: Self.maximumAPIVersion)
        negotiatedVersion = version
        return version
    }

    // MARK: - Images

    /// Whether the image is present locally (`GET /images/{name}/json`).
    public func imageExists(_ reference: String) async throws -> Bool {
        let response = try await send("GET", "/images/\(reference)/json")
        switch response.status {
        case 200: return true
        case 404: return false
        default: throw apiError(response, "inspect image \(reference)")
        }
    }

    /// Pulls an image (`POST /images/create`); the engine reports pull failures inside a 200 stream, which is read.
    public func imagePull(_ reference: String, timeout: TimeAmount = .seconds(300)) async throws {
        let query = "fromImage=" + Self.queryEscape(reference)
        let response = try await send("POST", "/images/create?\(query)", timeout: timeout)
        guard response.status == 200 else { throw apiError(response, "pull \(reference)") }
        for line in response.body.split(separator: UInt8(ascii: "\n")) {
            if let error = JSONValue.parse(bytes: line)?["error"]?.text {
                throw EngineError(.status(500), "pull \(reference): \(error)")
            }
        }
    }

    // MARK: - Containers

    /// `POST /containers/create?name=…`; returns the new container's id.
    @discardableResult
    public func containerCreate(name: String, spec: ContainerCreateSpec) async throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let body = try encoder.encode(spec)
        let response = try await send("POST", "/containers/create?name=\(Self.queryEscape(name))", body: body)
        guard response.status == 201 else { throw apiError(response, "create container \(name)") }
        struct Created: Decodable { var Id: String }
        return try decode(Created.self, response.body, "create container \(name)").Id
    }

    /// `POST /containers/{name}/start` (already running is fine).
    public func containerStart(_ name: String) async throws {
        let response = try await send("POST", "/containers/\(name)/start")
        guard response.status == 204 || response.status == 304 else { throw apiError(response, "start container \(name)") }
    }

    /// `POST /containers/{name}/stop?t=…` (already stopped is fine).
    public func containerStop(_ name: String, timeoutSeconds: Int = 10) async throws {
        let response = try await send("POST", "/containers/\(name)/stop?t=\(timeoutSeconds)", timeout: .seconds(Int64(timeoutSeconds) + 30))
        guard response.status == 204 || response.status == 304 else { throw apiError(response, "stop container \(name)") }
    }

    /// `POST /containers/{name}/restart?t=…`.
    public func containerRestart(_ name: String, timeoutSeconds: Int = 10) async throws {
        let response = try await send("POST", "/containers/\(name)/restart?t=\(timeoutSeconds)", timeout: .seconds(Int64(timeoutSeconds) + 30))
        guard response.status == 204 else { throw apiError(response, "restart container \(name)") }
    }

    /// `GET /containers/{name}/json`; nil when there is no such container.
    public func containerInspect(_ name: String) async throws -> ContainerInspection? {
        let response = try await send("GET", "/containers/\(name)/json")
        if response.status == 404 { return nil }
        guard response.status == 200 else { throw apiError(response, "inspect container \(name)") }
        return try decode(ContainerInspection.self, response.body, "inspect container \(name)")
    }

    /// `DELETE /containers/{name}` (a missing container is fine).
    public func containerRemove(_ name: String, force: Bool = false) async throws {
        let response = try await send("DELETE", "/containers/\(name)?force=\(force)&v=true")
        guard response.status == 204 || response.status == 404 else { throw apiError(response, "remove container \(name)") }
    }

    // MARK: - Transport

    struct Response {
        var status: Int
        var body: [UInt8]
    }

    func send(_ method: String, _ path: String, versioned: Bool = true, body: Data? = nil, timeout: TimeAmount? = nil) async throws -> Response {
        let uri = versioned ? "/v\(try await apiVersion())\(path)" : path
        guard let url = URL(httpURLWithSocketPath: socketPath, uri: uri) else {
            throw EngineError(.unsupported, "invalid \(engineName) engine socket path \(socketPath)")
        }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .init(rawValue: method)
        request.headers.add(name: "Host", value: "localhost")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        // AsyncHTTPClient retries a failed connection until the deadline: find a dead socket at once instead.
        if let reason = Self.connectFailure(socketPath) {
            throw EngineError(.unreachable, "cannot reach the \(engineName) engine at \(socketPath): \(reason)")
        }
        if method != "GET" { writeRequests += 1 }
        do {
            let response = try await httpClient.execute(request, timeout: timeout ?? requestTimeout)
            var buffer = try await response.body.collect(upTo: 64 << 20)
            return Response(status: Int(response.status.code), body: buffer.readBytes(length: buffer.readableBytes) ?? [])
        } catch {
            throw unreachable(error)
        }
    }

    /// Why a unix-socket connection to `path` fails right now (`No such file or directory`, `Connection refused`), or nil.
    static func connectFailure(_ path: String) -> String? {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return "socket path too long" }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        return result == 0 ? nil : String(cString: strerror(errno))
    }

    /// The error for a request that got no answer, naming the socket and the reason.
    func unreachable(_ error: any Error) -> EngineError {
        var info = stat()
        let reason: String
        if stat(socketPath, &info) != 0 {
            reason = String(cString: strerror(errno))
        } else if (info.st_mode & S_IFMT) != S_IFSOCK {
            reason = "not a socket"
        } else if let error = error as? IOError {
            reason = String(cString: strerror(error.errnoCode))
        } else if let error = error as? HTTPClientError, error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            reason = "no answer in time (\(error))"
        } else {
            reason = "\(error)"
        }
        return EngineError(.unreachable, "cannot reach the \(engineName) engine at \(socketPath): \(reason)")
    }

    func apiError(_ response: Response, _ operation: String) -> EngineError {
        struct Message: Decodable { var message: String }
        let text =
            (try? JSONDecoder().decode(Message.self, from: Data(response.body)))?.message
            ?? String(decoding: response.body.prefix(500), as: UTF8.self).trimmingWhitespace()
        return EngineError(.status(response.status), "\(engineName) engine: \(operation): \(text.isEmpty ? "HTTP \(response.status)" : text)")
    }

    func decode<T: Decodable>(_ type: T.Type, _ body: [UInt8], _ operation: String) throws -> T {
        do { return try JSONDecoder().decode(type, from: Data(body)) } catch {
            throw EngineError(.protocolError, "\(engineName) engine: \(operation): unexpected answer: \(error)")
        }
    }

    /// A query value percent-encoded: RFC 3986's unreserved characters (ASCII letters and digits, `-._~`) kept.
    static func queryEscape(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += (byte < 16 ? "%0" : "%") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }
}

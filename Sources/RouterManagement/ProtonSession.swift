import CProton
import FoundationEssentials

/// One AMQP connection to a router through Qpid Proton's proactor: a sender (anonymous relay: each request names
/// its node) and a receiver with a dynamic address for the management answers, and, when it has a `FlowListener`,
/// a receiver for the routers' beacons and one per flow-record source it is asked to follow. Used by one thread
/// (`ManagementClient`'s); it runs Proton's events while a caller waits in `perform`, and between calls in `pump`.
final class ProtonSession {
    private let endpoint: ManagementEndpoint
    private let flows: FlowListener?
    /// Shared with `ManagementClient`, which may interrupt a `perform` from another thread.
    let proactor: OpaquePointer
    private var connection: OpaquePointer?
    private var sender: OpaquePointer?
    private var receiver: OpaquePointer?
    private var amqpSession: OpaquePointer?
    /// The receiver's dynamic address once the router opened it: requests can be sent.
    private var replyAddress: String?
    /// Why the last connection ended, in the router's or the transport's words.
    private(set) var lastError: String?
    private var nextId: UInt64 = 1
    private var nextTag: UInt64 = 1
    /// Answers by correlation id, for the requests of the current `perform`.
    private var answers: [UInt64: ManagementResponse] = [:]
    /// Requests of the current `perform` not sent yet (they wait for the link and its credit).
    private var queue: [(UInt64, ManagementRequest)] = []
    private var buffer = [CChar](repeating: 0, count: 64 * 1024)
    /// The flow receivers, by the address they follow.
    private var flowReceivers: [String: OpaquePointer] = [:]
    /// What the flow listener asked for, done at the connection's next batch of events.
    private var flowCommands: [FlowCommand] = []
    /// FLUSH requests waiting for the sender's credit, by direct address.
    private var flushes: [String] = []
    private var lastTick = ContinuousClock.now
    /// When `pump` may connect again after a failed connection, and how many failed in a row.
    private var reconnectAt = ContinuousClock.now
    private var failedConnections = 0
    /// Flow messages taken in by the current `pump`.
    private var flowMessagesTaken = 0
    /// The largest flow message read (a router batches 50 records; anything near this is not a router's).
    static let largestFlowMessage = 4 * 1024 * 1024

    /// The credit a flow receiver keeps: beacons come one per router every 10 s, records in bursts (a FLUSH's resend).
    static func flowCredit(_ address: String) -> Int32 { address == flowBeaconAddress ? 16 : 256 }

    init(endpoint: ManagementEndpoint, flows: FlowListener? = nil) {
        self.endpoint = endpoint
        self.flows = flows
        proactor = pn_proactor()
    }

    deinit {
        if let connection { pn_connection_close(connection) }
        pn_proactor_free(proactor)
    }

    var isOpen: Bool { replyAddress != nil && connection != nil }

    /// Sends the requests and waits for their answers until `timeout`; connects first when no connection is open.
    /// Each request gets its answer, or the error that kept it from one (connection lost, timed out).
    /// `interrupt`, once fired, ends the wait early: the requests not answered yet fail.
    func perform(_ requests: [ManagementRequest], timeout: Duration, interrupt: ProactorInterrupt? = nil) -> [Result<ManagementResponse, ManagementError>] {
        let deadline = ContinuousClock.now + timeout
        queue = requests.map { request -> (UInt64, ManagementRequest) in
            defer { nextId += 1 }
            return (nextId, request)
        }
        let ids = queue.map(\.0)
        answers = [:]
        // Output is written only while a batch of the connection's events is held: a wake brings one.
        if let connection { pn_connection_wake(connection) } else { connect() }
        var failure: String?
        while failure == nil, ids.contains(where: { answers[$0] == nil }) {
            if interrupt?.isRequested == true {
                failure = "interrupted: the agent is stopping"
                break
            }
            let remaining = deadline - ContinuousClock.now
            if remaining <= .zero {
                failure =
                    connection == nil
                    ? (lastError ?? "not connected")
                    : (isOpen ? "the router did not answer within \(timeout)" : "the router did not open the management link within \(timeout)")
                break
            }
            pn_proactor_set_timeout(proactor, pn_millis_t(max(1, remaining.milliseconds)))
            guard let batch = pn_proactor_wait(proactor) else { break }
            process(batch)
            if connection == nil { failure = lastError ?? "the connection closed" }
        }
        pn_proactor_cancel_timeout(proactor)
        queue = []
        return ids.map { id in
            if let answer = answers[id] { return .success(answer) }
            return .failure(ManagementError(failure ?? "no answer"))
        }
    }

    /// Handles one batch of events; what waits for the connection is done while its batch is held.
    private func process(_ batch: OpaquePointer) {
        var ofConnection = false
        while let event = pn_event_batch_next(batch) {
            if pn_event_connection(event) != nil { ofConnection = true }
            handle(event)
        }
        if ofConnection {
            applyFlowCommands()
            sendQueued()
        }
        pn_proactor_done(proactor, batch)
        if let flows, ContinuousClock.now - lastTick >= flows.tickInterval { tick(flows) }
    }

    /// Sends what the link has credit for (inside a batch of the connection's events).
    private func sendQueued() {
        guard let sender, replyAddress != nil else { return }
        while !queue.isEmpty, pn_link_credit(sender) > 0 {
            let (id, request) = queue.removeFirst()
            if let error = send(request, id: id, on: sender) { answers[id] = ManagementResponse(statusCode: 400, statusDescription: error, body: .null) }
        }
        while !flushes.isEmpty, pn_link_credit(sender) > 0 {
            sendFlush(to: flushes.removeFirst(), on: sender)
        }
    }

    // MARK: - Flow records

    /// Runs the connection's events until one comes or `maximumWait` passes (a call waiting on the thread wakes it
    /// at once): what keeps the flow receivers served between management calls. Connects when no connection is
    /// open, at most once per backoff step.
    /// Returns whether flow messages came in.
    @discardableResult
    func pump(maximumWait: Duration) -> Bool {
        guard let flows else { return false }
        flowMessagesTaken = 0
        let now = ContinuousClock.now
        if connection == nil, now >= reconnectAt { connect() }
        let untilTick = lastTick + flows.tickInterval - now
        let wait = connection == nil ? min(maximumWait, reconnectAt - now) : max(.milliseconds(1), min(maximumWait, untilTick))
        pn_proactor_set_timeout(proactor, pn_millis_t(max(1, wait.milliseconds)))
        if let batch = pn_proactor_wait(proactor) { process(batch) }
        if ContinuousClock.now - lastTick >= flows.tickInterval { tick(flows) }
        if connection == nil, reconnectAt <= now {
            failedConnections += 1
            let delay = min(5_000, 250 << min(failedConnections - 1, 5))
            reconnectAt = ContinuousClock.now + .milliseconds(delay)
        }
        return flowMessagesTaken > 0
    }

    private func tick(_ flows: FlowListener) {
        lastTick = ContinuousClock.now
        queue(flows.tick(now: lastTick))
    }

    /// Keeps commands for the connection's next batch (waking it for one).
    private func queue(_ commands: [FlowCommand]) {
        guard !commands.isEmpty else { return }
        flowCommands += commands
        if let connection { pn_connection_wake(connection) }
    }

    private func applyFlowCommands() {
        guard connection != nil, !flowCommands.isEmpty else { return }
        let commands = flowCommands
        flowCommands = []
        for command in commands { apply(command) }
    }

    private func apply(_ command: FlowCommand) {
        switch command {
        case .subscribe(let address):
            guard flowReceivers[address] == nil, connection != nil, let session = amqpSession else { return }
            // A link name of its own each time: one closing under the same name may still be there.
            nextTag += 1
            let receiver = pn_receiver(session, "skupperd-flow-\(nextTag)-\(address)")!
            pn_terminus_set_address(pn_link_source(receiver), address)
            pn_link_set_max_message_size(receiver, UInt64(Self.largestFlowMessage))
            pn_link_open(receiver)
            pn_link_flow(receiver, Self.flowCredit(address))
            flowReceivers[address] = receiver
        case .unsubscribe(let address):
            guard let receiver = flowReceivers.removeValue(forKey: address) else { return }
            pn_link_close(receiver)
        case .flush(let direct):
            if !flushes.contains(direct) { flushes.append(direct) }
        }
    }

    private func sendFlush(to direct: String, on sender: OpaquePointer) {
        let message = pn_message()!
        defer { pn_message_free(message) }
        pn_message_set_address(message, direct)
        pn_message_set_subject(message, "FLUSH")
        AMQPValue.null.put(into: pn_message_body(message)!)
        _ = transmit(message, on: sender)
    }

    /// Takes a flow message in, then gives the credit back and settles it whatever it held.
    private func receiveFlow(_ delivery: OpaquePointer, on link: OpaquePointer, address: String, flows: FlowListener) {
        guard pn_delivery_readable(delivery), !pn_delivery_partial(delivery) else {
            // A message larger than any a router sends is read and dropped as it comes, never held whole.
            if pn_delivery_partial(delivery), pn_delivery_pending(delivery) > Self.largestFlowMessage {
                var sink = [CChar](repeating: 0, count: 64 * 1024)
                while sink.withUnsafeMutableBufferPointer({ pn_link_recv(link, $0.baseAddress, $0.count) }) > 0 {}
            }
            return
        }
        // Whole here (not partial): read at once into a buffer of its size.
        let size = Int(pn_delivery_pending(delivery))
        let tooLarge = size > Self.largestFlowMessage
        var bytes = [CChar](repeating: 0, count: tooLarge ? 64 * 1024 : max(size, 0))
        var received = 0
        while true {
            let count = bytes.withUnsafeMutableBufferPointer { buffer in
                tooLarge
                    ? pn_link_recv(link, buffer.baseAddress, buffer.count)
                    : pn_link_recv(link, buffer.baseAddress.map { $0 + received }, buffer.count - received)
            }
            if count <= 0 { break }
            if !tooLarge { received += count }
        }
        defer {
            pn_delivery_update(delivery, UInt64(PN_ACCEPTED))
            pn_delivery_settle(delivery)
            // Topped up once half is used, not message by message: a flow frame per record is the router's work too.
            let window = Self.flowCredit(address), credit = pn_link_credit(link)
            if credit <= window / 2 { pn_link_flow(link, window - credit) }
        }
        if tooLarge {
            flows.dropped("a message larger than \(Self.largestFlowMessage) bytes", address: address)
            return
        }
        let message = pn_message()!
        defer { pn_message_free(message) }
        guard pn_message_decode(message, bytes, received) == 0 else {
            flows.dropped("a message that is not AMQP", address: address)
            return
        }
        let subject = pn_message_get_subject(message).map { String(cString: $0) }
        let flowMessage = FlowMessage(
            address: address, subject: subject, applicationProperties: AMQPValue.whole(pn_message_properties(message)),
            body: AMQPValue.whole(pn_message_body(message)))
        queue(flows.received(flowMessage, now: ContinuousClock.now))
    }

    /// Drops the connection (the next `perform` connects again).
    func disconnect() {
        guard let connection else { return }
        pn_connection_close(connection)
        pn_connection_wake(connection)
        _ = perform([], timeout: .milliseconds(200))
        self.connection = nil
        reset()
    }

    private func reset() {
        sender = nil
        receiver = nil
        amqpSession = nil
        replyAddress = nil
        flowReceivers = [:]
        flowCommands = []
        flushes = []
    }

    // MARK: - Connecting

    private func connect() {
        reset()
        let connection = pn_connection()!
        let transport = pn_transport()!
        pn_connection_set_container(connection, "skupperd-\(ProcessInfo.processInfo.processIdentifier)")
        pn_connection_set_hostname(connection, endpoint.serverName)
        if let domain = pn_ssl_domain(PN_SSL_MODE_CLIENT) {
            pn_ssl_domain_set_credentials(domain, endpoint.certificateFile, endpoint.keyFile, nil)
            pn_ssl_domain_set_trusted_ca_db(domain, endpoint.caFile)
            pn_ssl_domain_set_peer_authentication(domain, PN_SSL_VERIFY_PEER_NAME, nil)
            let ssl = pn_ssl(transport)
            pn_ssl_init(ssl, domain, nil)
            pn_ssl_set_peer_hostname(ssl, endpoint.serverName)
            pn_ssl_domain_free(domain)
        }
        pn_sasl_allowed_mechs(pn_sasl(transport), "EXTERNAL")
        pn_connection_open(connection)
        let session = pn_session(connection)!
        pn_session_open(session)
        let sender = pn_sender(session, "skupperd-management-requests")!
        pn_link_set_snd_settle_mode(sender, PN_SND_SETTLED)
        pn_link_open(sender)
        let receiver = pn_receiver(session, "skupperd-management-answers")!
        pn_terminus_set_dynamic(pn_link_source(receiver), true)
        pn_link_open(receiver)
        pn_link_flow(receiver, 256)
        self.connection = connection
        amqpSession = session
        self.sender = sender
        self.receiver = receiver
        if let flows {
            apply(.subscribe(flowBeaconAddress))
            for command in flows.connectionOpened(now: ContinuousClock.now) { apply(command) }
        }
        pn_proactor_connect2(proactor, connection, transport, "\(endpoint.host):\(endpoint.port)")
    }

    // MARK: - Events

    private func handle(_ event: OpaquePointer) {
        switch pn_event_type(event) {
        case PN_LINK_REMOTE_OPEN:
            if let link = pn_event_link(event), link == receiver, let address = pn_terminus_get_address(pn_link_remote_source(link)) {
                replyAddress = String(cString: address)
            }
        case PN_DELIVERY:
            guard let delivery = pn_event_delivery(event), let link = pn_event_link(event) else { break }
            if link == receiver {
                receive(delivery, on: link)
            } else if let flows, let address = pn_terminus_get_address(pn_link_source(link)).map({ String(cString: $0) }),
                flowReceivers[address] == link
            {
                flowMessagesTaken += 1
                receiveFlow(delivery, on: link, address: address, flows: flows)
            } else {
                // A receiver closed meanwhile: settled, not read.
                pn_delivery_settle(delivery)
            }
        case PN_CONNECTION_REMOTE_OPEN:
            failedConnections = 0
        case PN_LINK_REMOTE_CLOSE:
            if let link = pn_event_link(event), link == sender || link == receiver {
                lastError = Self.describe(pn_link_remote_condition(link)) ?? "the router closed the management link"
                if let connection { pn_connection_close(connection) }
            } else if let link = pn_event_link(event) {
                // A flow receiver the router refused or closed: followed again at the next subscribe.
                if let entry = flowReceivers.first(where: { $0.value == link }) { flowReceivers.removeValue(forKey: entry.key) }
                pn_link_close(link)
            }
        case PN_CONNECTION_REMOTE_CLOSE:
            if let connection = pn_event_connection(event) {
                lastError = Self.describe(pn_connection_remote_condition(connection)) ?? "the router closed the connection"
                pn_connection_close(connection)
            }
        case PN_TRANSPORT_CLOSED:
            if let transport = pn_event_transport(event), let text = Self.describe(pn_transport_condition(transport)) { lastError = text }
            // The proactor frees the connection once this batch is done.
            if connection != nil { flows?.connectionClosed(now: ContinuousClock.now) }
            connection = nil
            reset()
        default:
            break
        }
    }

    private func send(_ request: ManagementRequest, id: UInt64, on sender: OpaquePointer) -> String? {
        let message = pn_message()!
        defer { pn_message_free(message) }
        pn_message_set_address(message, ManagementRequest.address)
        pn_message_set_reply_to(message, replyAddress)
        AMQPValue.string(String(id)).put(into: pn_message_correlation_id(message)!)
        request.properties.put(into: pn_message_properties(message)!)
        request.body.put(into: pn_message_body(message)!)
        return transmit(message, on: sender)
    }

    /// Encodes a message and sends it pre-settled; nil, or why it could not be encoded.
    private func transmit(_ message: OpaquePointer, on sender: OpaquePointer) -> String? {
        var size = buffer.count
        var status = pn_message_encode(message, &buffer, &size)
        while status == PN_OVERFLOW {
            buffer = [CChar](repeating: 0, count: buffer.count * 2)
            size = buffer.count
            status = pn_message_encode(message, &buffer, &size)
        }
        guard status == 0 else { return "the request could not be encoded (\(status))" }
        var tag = nextTag
        nextTag += 1
        let delivery = withUnsafeBytes(of: &tag) { raw in
            pn_delivery(sender, pn_dtag(raw.baseAddress!.assumingMemoryBound(to: CChar.self), raw.count))
        }
        _ = buffer.withUnsafeBufferPointer { pn_link_send(sender, $0.baseAddress, size) }
        pn_link_advance(sender)
        if let delivery { pn_delivery_settle(delivery) }
        return nil
    }

    private func receive(_ delivery: OpaquePointer, on link: OpaquePointer) {
        guard pn_delivery_readable(delivery), !pn_delivery_partial(delivery) else { return }
        var bytes: [CChar] = []
        var chunk = [CChar](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBufferPointer { pn_link_recv(link, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        let message = pn_message()!
        defer { pn_message_free(message) }
        if pn_message_decode(message, bytes, bytes.count) == 0 {
            // Sent as text: the router answers a numeric id as a signed long, which Proton does not take as an id.
            let id = AMQPValue.whole(pn_message_correlation_id(message)).text.flatMap { UInt64($0) }
            if let id {
                let properties = AMQPValue.whole(pn_message_properties(message))
                let body = AMQPValue.whole(pn_message_body(message))
                let code = properties["statusCode"]?.text.flatMap { Int($0) } ?? 500
                answers[id] = ManagementResponse(statusCode: code, statusDescription: properties["statusDescription"]?.text ?? "", body: body)
            }
        }
        pn_delivery_update(delivery, UInt64(PN_ACCEPTED))
        pn_delivery_settle(delivery)
        pn_link_flow(link, 1)
    }

    /// A condition's name and description, or nil when it is not set.
    private static func describe(_ condition: OpaquePointer?) -> String? {
        guard let condition, pn_condition_is_set(condition) else { return nil }
        let name = pn_condition_get_name(condition).map { String(cString: $0) } ?? ""
        let text = pn_condition_get_description(condition).map { String(cString: $0) } ?? ""
        return [name, text].filter { !$0.isEmpty }.joined(separator: ": ")
    }
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

import IPVSMetrics
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// One HTTP connection: routes each request and enforces the read and idle deadlines.
///
/// Lives on its channel's event loop; the scrape itself runs on the server's thread pool and
/// its result comes back to this loop before anything is written.
final class HTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// Request bodies are not expected (all routes are GET); a little is read and dropped.
    static let maximumBodyBytes = 64 << 10

    private let server: HTTPServer
    private var head: HTTPRequestHead?
    private var bodyBytes = 0
    /// A request has been received and its response is not finished.
    private var busy = false {
        didSet {
            if busy != oldValue { busy ? server.httpMetrics.started() : server.httpMetrics.ended() }
        }
    }
    /// The `path` label of the request being answered.
    private var requestPath = "other"
    private var closeAfterResponse = false
    private var deadline: Scheduled<Void>?
    /// Whether the armed deadline is the idle one (waiting for the next request).
    private var waitingForRequest = true

    /// `--web.config.file` as of this connection's last request (or its opening): a password
    /// or header changed in the file applies from the next request, even on a kept-alive
    /// connection such as Prometheus'.
    private var settings: WebSettings

    init(server: HTTPServer, settings: WebSettings) {
        self.server = server
        self.settings = settings
    }

    func handlerAdded(context: ChannelHandlerContext) {
        server.register(context.channel)
        waitingForRequest = false
        armDeadline(
            context: context, after: server.configuration.requestReadTimeout, reason: "request not received in time",
            refusal: .requestTimeout)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        busy = false
        server.unregister(context.channel)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        server.unregister(context.channel)
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is BytesArrived {
            // A new request is starting on an idle keep-alive connection: from now on it has
            // the request deadline, not the (longer) idle one, even while its headers trickle in.
            if waitingForRequest && !busy {
                waitingForRequest = false
                armDeadline(
                    context: context, after: server.configuration.requestReadTimeout, reason: "request not received in time",
                    refusal: .requestTimeout)
            }
            return
        }
        if event is DrainEvent {
            if busy { closeAfterResponse = true } else { context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            bodyBytes = 0
            busy = true
            requestPath = server.httpMetrics.pathLabel(Self.path(of: requestHead.uri))
        // The read deadline runs from the first byte; no need to re-arm it per part.
        case .body(let buffer):
            bodyBytes += buffer.readableBytes
            if bodyBytes > Self.maximumBodyBytes {
                closeAfterResponse = true
                server.httpMetrics.refused(.bodyTooLarge)
                respond(context: context, status: .payloadTooLarge, text: "request body too large\n")
                head = nil
            }
        case .end:
            deadline?.cancel()
            guard let requestHead = head else { return }
            head = nil
            settings = server.webSettings()
            authenticate(context: context, requestHead)
        }
    }

    /// Basic authentication before anything else, when `basic_auth_users` is set. A check that
    /// is not remembered from an earlier request runs bcrypt behind the authentication gate,
    /// apart from scrapes; when the gate is full it is refused with 429 at once.
    private func authenticate(context: ChannelHandlerContext, _ request: HTTPRequestHead) {
        // Before any answer, 401 and 429 included: a client that asked to close gets its close.
        if !request.isKeepAlive || server.draining.load(ordering: .relaxed) { closeAfterResponse = true }
        guard let authentication = settings.authentication else {
            route(context: context, request)
            return
        }
        let header = request.headers.first(name: "authorization")
        if authentication.remembers(authorization: header) {
            route(context: context, request)
            return
        }
        let eventLoop = context.eventLoop
        let bound = NIOLoopBound(context, eventLoop: eventLoop)
        let handler = NIOLoopBound(self, eventLoop: eventLoop)
        guard
            let checked = server.authentication.run(on: eventLoop, { authentication.allows(authorization: header) })
        else {
            server.reportAuthenticationRefusal()
            var headers = HTTPHeaders()
            headers.add(name: "Retry-After", value: "1")
            respond(
                context: context, status: .tooManyRequests, text: "too many password checks pending; retry\n",
                extraHeaders: headers)
            return
        }
        checked.whenComplete { result in
            if case .success(true) = result {
                handler.value.route(context: bound.value, request)
            } else {
                var headers = HTTPHeaders()
                headers.add(name: "WWW-Authenticate", value: "Basic realm=\"ipvs_exporter\"")
                handler.value.respond(context: bound.value, status: .unauthorized, text: "Unauthorized\n", extraHeaders: headers)
            }
        }
    }

    /// The request target without its query.
    static func path(of uri: String) -> String {
        uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? "/"
    }

    private func route(context: ChannelHandlerContext, _ request: HTTPRequestHead) {
        let path = Self.path(of: request.uri)
        let telemetryPath = server.configuration.telemetryPath
        let knownPath = path == telemetryPath || path == "/" || path == "/-/healthy" || path == "/-/ready"
        guard knownPath else {
            respond(context: context, status: .notFound, text: "404 page not found\n")
            return
        }
        guard request.method == .GET || request.method == .HEAD else {
            var headers = HTTPHeaders()
            headers.add(name: "Allow", value: "GET, HEAD")
            respond(context: context, status: .methodNotAllowed, text: "method not allowed\n", extraHeaders: headers)
            return
        }
        let headOnly = request.method == .HEAD
        if path == telemetryPath {
            scrape(context: context, request, headOnly: headOnly)
        } else if path == "/-/healthy" {
            // The Prometheus convention for probes: the process serves HTTP. Whether IPVS can
            // be read is ipvs_up's business, not a reason to restart the exporter.
            respondPlain(context: context, status: .ok, "ipvs_exporter is healthy.\n", headOnly: headOnly)
        } else if path == "/-/ready" {
            if server.draining.load(ordering: .relaxed) {
                respondPlain(
                    context: context, status: .serviceUnavailable, "ipvs_exporter is shutting down.\n", headOnly: headOnly)
            } else {
                respondPlain(context: context, status: .ok, "ipvs_exporter is ready.\n", headOnly: headOnly)
            }
        } else {
            let page = LandingPage.html(
                telemetryPath: telemetryPath, build: server.build, source: server.configuration.sourceDescription,
                lastRead: server.endpoint.lastRead)
            respond(
                context: context, status: .ok, body: Array(page.utf8), contentType: "text/html; charset=utf-8",
                headOnly: headOnly)
        }
    }

    private func scrape(context: ChannelHandlerContext, _ request: HTTPRequestHead, headOnly: Bool) {
        let format = ContentNegotiation.format(accept: request.headers.first(name: "accept"))
        if headOnly {
            // HEAD says what a GET would send without running the collectors.
            var headers = HTTPHeaders()
            headers.add(name: "Vary", value: "Accept-Encoding")
            respond(
                context: context, status: .ok, body: [], contentType: format.contentType, extraHeaders: headers, headOnly: true)
            return
        }
        let eventLoop = context.eventLoop
        let bound = NIOLoopBound(context, eventLoop: eventLoop)
        let handler = NIOLoopBound(self, eventLoop: eventLoop)
        let server = self.server
        let ticket = server.acquireScrapeSlot { [request] in
            // Possibly from another connection's thread, when its scrape ends: hop home.
            eventLoop.execute {
                guard bound.value.channel.isActive else {
                    server.releaseScrapeSlot()
                    handler.value.busy = false
                    return
                }
                handler.value.startScrape(context: bound.value, request, format: format)
            }
        }
        if let ticket {
            eventLoop.scheduleTask(in: server.configuration.queueTimeout) {
                guard server.cancelWait(ticket) else { return }
                server.reportRefusal()
                handler.value.respond(
                    context: bound.value, status: .serviceUnavailable,
                    text:
                        "too many concurrent scrapes (limit \(server.configuration.maxRequests), --web.max-requests); waited \(server.configuration.queueTimeout.nanoseconds / 1_000_000_000) s for a slot\n"
                )
            }
        }
    }

    /// With a scrape slot reserved: collect (or join the collection running), render the first
    /// chunks on the pool, then stream. The slot guards the kernel reads and the CPU, so it is
    /// free again once the first chunks exist: a client that then reads slowly, or not at all,
    /// holds no slot and no thread, only its response's memory, under the write deadlines.
    private func startScrape(context: ChannelHandlerContext, _ request: HTTPRequestHead, format: ExpositionFormat) {
        let gzip = ContentNegotiation.acceptsGzip(request.headers.first(name: "accept-encoding"))
        let endpoint = server.endpoint
        let server = self.server
        let eventLoop = context.eventLoop
        let bound = NIOLoopBound(context, eventLoop: eventLoop)
        let handler = NIOLoopBound(self, eventLoop: eventLoop)
        let collected = server.collections.outcome(on: eventLoop, pool: server.threadPool) { endpoint.collect() }
        let prepared = collected.flatMap { outcome in
            server.threadPool.runIfActive(eventLoop: eventLoop) { () -> PreparedResponse in
                let body = endpoint.body(for: outcome, format: format, gzip: gzip, http: server.httpMetrics.families())
                let first = body.next() ?? []
                let second = body.next()
                return PreparedResponse(body: ResponseBody(body), first: first, second: second)
            }
        }
        prepared.whenComplete { result in
            server.releaseScrapeSlot()
            switch result {
            case .success(let response):
                handler.value.beginStream(context: bound.value, response)
            case .failure(let error):
                server.logger.error("scrape could not run", metadata: ["error": "\(error)"])
                handler.value.finishStream(context: bound.value, failed: true)
            }
        }
    }

    /// The head, then the chunks. A one-chunk body is sent with its length, a longer one chunked.
    private func beginStream(context: ChannelHandlerContext, _ response: PreparedResponse) {
        guard context.channel.isActive else {
            finishStream(context: context, failed: true)
            return
        }
        var headers = HTTPHeaders()
        if response.body.gzipped { headers.add(name: "Content-Encoding", value: "gzip") }
        headers.add(name: "Vary", value: "Accept-Encoding")
        headers.add(name: "Content-Type", value: response.body.contentType)
        if response.second == nil {
            headers.add(name: "Content-Length", value: String(response.first.count))
        } else {
            headers.add(name: "Transfer-Encoding", value: "chunked")
        }
        addCommonHeaders(&headers)
        server.httpMetrics.answered(path: requestPath, code: HTTPResponseStatus.ok.code)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
        armDeadline(
            context: context, after: server.configuration.responseTimeout, reason: "response not taken whole in time",
            refusal: .responseTimeout)
        stream(context: context, response)
    }

    /// Chunks rendered ahead of the one being written, at most. The pool renders them in one
    /// task, so the event loop and the pool hand over once per few chunks rather than twice
    /// per chunk (at 1,000x10, 25 chunks: each hand-over is a thread wake-up on both sides).
    static let chunksAhead = 4

    /// Streams `response`: one chunk written at a time, the next ones rendered on the pool
    /// meanwhile. No thread waits for the client: each step is scheduled by a write's or a
    /// render's completion, and a client that stops reading stops the rendering too.
    private func stream(context: ChannelHandlerContext, _ response: PreparedResponse) {
        let stream = ResponseStream(body: response.body)
        if !response.first.isEmpty { stream.ready.append(response.first) }
        if let second = response.second { stream.ready.append(second) } else { stream.ended = true }
        pump(context: context, stream)
    }

    /// Starts whatever can start: the next write when none is in flight, a render when fewer
    /// than ``chunksAhead`` chunks wait and none is running; ends the response when nothing is
    /// left. State is changed before a future is waited on, so a future that is already
    /// complete (a write the socket took at once) finds it current.
    private func pump(context: ChannelHandlerContext, _ stream: ResponseStream) {
        guard !stream.over else { return }
        guard context.channel.isActive else {
            stream.over = true
            finishStream(context: context, failed: true)
            return
        }
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let boundStream = NIOLoopBound(stream, eventLoop: context.eventLoop)
        if !stream.over, !stream.writing, !stream.ready.isEmpty {
            let chunk = stream.ready.removeFirst()
            stream.writing = true
            var buffer = context.channel.allocator.buffer(capacity: chunk.count)
            buffer.writeBytes(chunk)
            let written = context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))))
            armProgressDeadline(context: context, until: written)
            written.whenComplete { result in
                boundStream.value.writing = false
                if result.isFailure {
                    handler.value.fail(context: bound.value, boundStream.value)
                } else {
                    handler.value.pump(context: bound.value, boundStream.value)
                }
            }
        }
        if !stream.over, !stream.rendering, !stream.ended, stream.ready.count < Self.chunksAhead {
            stream.rendering = true
            let body = stream.body
            let wanted = Self.chunksAhead - stream.ready.count
            let rendered = server.threadPool.runIfActive(eventLoop: context.eventLoop) { () -> RenderedChunks in
                var chunks: [[UInt8]] = []
                for _ in 0..<wanted {
                    guard let chunk = body.next() else { return RenderedChunks(chunks: chunks, ended: true) }
                    chunks.append(chunk)
                }
                return RenderedChunks(chunks: chunks, ended: false)
            }
            rendered.whenComplete { result in
                let stream = boundStream.value
                stream.rendering = false
                switch result {
                case .success(let rendered):
                    stream.ready.append(contentsOf: rendered.chunks.filter { !$0.isEmpty })
                    stream.ended = rendered.ended
                    handler.value.pump(context: bound.value, stream)
                case .failure: handler.value.fail(context: bound.value, stream)
                }
            }
        }
        // A completion that ran at once, inside this call, may have ended the response already.
        if !stream.over, stream.ended, stream.ready.isEmpty, !stream.writing, !stream.rendering {
            stream.over = true
            context.flush()
            finishStream(context: context, failed: false)
        }
    }

    private func fail(context: ChannelHandlerContext, _ stream: ResponseStream) {
        guard !stream.over else { return }
        stream.over = true
        finishStream(context: context, failed: true)
    }

    /// Closes the connection when `written` has not completed within `--web.write-timeout`:
    /// the client stopped taking the response (or takes it a byte at a time).
    private func armProgressDeadline(context: ChannelHandlerContext, until written: EventLoopFuture<Void>) {
        let channel = context.channel
        let logger = server.logger
        let timeout = server.configuration.writeTimeout
        let metrics = server.httpMetrics
        let scheduled = context.eventLoop.scheduleTask(in: timeout) {
            metrics.refused(.writeTimeout)
            logger.debug(
                "closing connection",
                metadata: [
                    "reason": "response not read for \(timeout.nanoseconds / 1_000_000) ms",
                    "peer": "\(channel.remoteAddress.map { "\($0)" } ?? "?")",
                ])
            channel.close(promise: nil)
        }
        written.whenComplete { _ in scheduled.cancel() }
    }

    private func finishStream(context: ChannelHandlerContext, failed: Bool) {
        busy = false
        if failed || !context.channel.isActive {
            deadline?.cancel()
            context.close(promise: nil)
            return
        }
        endResponse(context: context)
    }

    /// The connection's one way out of a response: close after the end when this was its last,
    /// else wait for the next request under the idle deadline.
    private func endResponse(context: ChannelHandlerContext) {
        if closeAfterResponse {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            waitingForRequest = true
            armDeadline(context: context, after: server.configuration.idleTimeout, reason: "idle")
        }
    }

    private func respond(
        context: ChannelHandlerContext, status: HTTPResponseStatus, text: String, extraHeaders: HTTPHeaders = HTTPHeaders()
    ) {
        respond(
            context: context, status: status, body: Array(text.utf8), contentType: "text/plain; charset=utf-8",
            extraHeaders: extraHeaders, headOnly: false)
    }

    private func respondPlain(context: ChannelHandlerContext, status: HTTPResponseStatus, _ text: String, headOnly: Bool) {
        respond(
            context: context, status: status, body: Array(text.utf8), contentType: "text/plain; charset=utf-8",
            headOnly: headOnly)
    }

    private func respond(
        context: ChannelHandlerContext, status: HTTPResponseStatus, body: [UInt8], contentType: String,
        extraHeaders: HTTPHeaders = HTTPHeaders(), headOnly: Bool
    ) {
        guard context.channel.isActive else {
            busy = false
            return
        }
        var headers = extraHeaders
        headers.add(name: "Content-Type", value: contentType)
        if !(headOnly && body.isEmpty) { headers.add(name: "Content-Length", value: String(body.count)) }
        addCommonHeaders(&headers)
        server.httpMetrics.answered(path: requestPath, code: status.code)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        if !headOnly && !body.isEmpty {
            var buffer = context.channel.allocator.buffer(capacity: body.count)
            buffer.writeBytes(body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        busy = false
        endResponse(context: context)
    }

    /// What every response carries: the configured headers (`http_server_config.headers`) and
    /// `Connection: close` when this is the connection's last response.
    private func addCommonHeaders(_ headers: inout HTTPHeaders) {
        for (name, value) in settings.headers { headers.add(name: name, value: value) }
        if closeAfterResponse { headers.add(name: "Connection", value: "close") }
    }

    private func armDeadline(
        context: ChannelHandlerContext, after timeout: TimeAmount, reason: String, refusal: HTTPMetrics.Refusal? = nil
    ) {
        deadline?.cancel()
        let channel = context.channel
        let logger = server.logger
        let metrics = server.httpMetrics
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            if let refusal { metrics.refused(refusal) }
            logger.debug(
                "closing connection",
                metadata: ["reason": "\(reason)", "peer": "\(channel.remoteAddress.map { "\($0)" } ?? "?")"])
            channel.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        server.logger.debug("connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }
}

/// Sits before the HTTP decoder and reports that bytes arrived, so the handler can start the
/// request deadline at the first byte of a request rather than when its headers are complete.
final class RequestStartWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireUserInboundEventTriggered(BytesArrived())
        context.fireChannelRead(data)
    }
}

struct BytesArrived {}

extension Result {
    var isFailure: Bool {
        if case .failure = self { return true }
        return false
    }
}

/// A response whose first chunks are rendered, handed from the pool to the event loop.
struct PreparedResponse: Sendable {
    var body: ResponseBody
    var first: [UInt8]
    /// nil when the whole body fit in `first`.
    var second: [UInt8]?
}

/// The state of one streamed response, on its connection's event loop.
final class ResponseStream {
    let body: ResponseBody
    /// Rendered, not yet written.
    var ready: [[UInt8]] = []
    var writing = false
    var rendering = false
    /// The body has no more chunks.
    var ended = false
    /// The response is over (finished or failed): completions still to come do nothing.
    var over = false

    init(body: ResponseBody) {
        self.body = body
    }
}

/// Chunks one render task produced, and whether the body ended after them.
struct RenderedChunks: Sendable {
    var chunks: [[UInt8]]
    var ended: Bool
}

/// A response body that the pool renders a chunk at a time while the event loop writes: one
/// renderer at a time, whichever pool thread it runs on.
final class ResponseBody: Sendable {
    let contentType: String
    let gzipped: Bool
    private let body: Mutex<ScrapeEndpoint.Body>

    init(_ body: sending ScrapeEndpoint.Body) {
        contentType = body.contentType
        gzipped = body.gzipped
        self.body = Mutex(body)
    }

    func next() -> [UInt8]? {
        body.withLock { $0.next() }
    }
}

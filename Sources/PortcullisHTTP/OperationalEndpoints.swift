import Hummingbird
import NIOCore
import PortcullisStore

/// Endpoints for orchestration and monitoring, independent of tenants and hosts.
struct OperationalEndpoints: Sendable {
    let storage: any PortcullisStorage

    static let paths: Set<String> = ["/healthz", "/readyz", "/metrics"]

    func respond(path: String, method: HTTPRequest.Method, context: PortcullisRequestContext) async -> Response {
        guard method == .get || method == .head else {
            return JSONResponse.error(.methodNotAllowed, "method_not_allowed", "use GET")
        }
        switch path {
        case "/healthz":
            // Alive: the process answers. Nothing else is checked, so a slow database never gets a
            // healthy process restarted.
            return JSONResponse.value(["status": "ok"], headers: [.cacheControl: "no-store"])
        case "/readyz":
            do {
                try await storage.ping()
                let generation = context.snapshot?.generation ?? 0
                return JSONResponse.value(["status": "ready", "config_generation": .int(generation)],
                                          headers: [.cacheControl: "no-store"])
            } catch {
                context.logger.warning("readiness check failed: database unavailable", metadata: ["error": "\(error)"])
                return JSONResponse.value(["status": "unavailable", "reason": "database unavailable"],
                                          status: .serviceUnavailable, headers: [.cacheControl: "no-store"])
            }
        default:
            var buffer: [UInt8] = []
            buffer.reserveCapacity(16_384)
            PortcullisMetrics.registry.emit(into: &buffer)
            return Response(status: .ok,
                            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
    }
}

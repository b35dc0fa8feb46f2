// A bare Hummingbird 2 server: `GET /hello` -> "hello", and `POST /webhook` -> 204.
// It is the baseline of bench/run-discovery.sh: Portcullis's discovery and JWKS throughput is
// reported as a ratio to this server measured in the same run, which stays comparable across
// machines where absolute numbers do not. bench/run-webhooks.sh uses it as the fast receiver.
//
//   portcullis-bench-hello [PORT]    (default 8090; binds 127.0.0.1 only)

import Foundation
import Hummingbird
import Logging

let arguments = CommandLine.arguments.dropFirst()
guard arguments.count <= 1, let port = Int(arguments.first ?? "8090"), (1...65535).contains(port) else {
    FileHandle.standardError.write(Data("usage: portcullis-bench-hello [PORT]\n".utf8))
    exit(2)
}

// Warning level, like the server under test in the benchmark: no per-request log lines.
let logger: Logger = {
    var logger = Logger(label: "portcullis-bench-hello")
    logger.logLevel = .warning
    return logger
}()

let router = Router()
router.get("/hello") { _, _ -> String in
    "hello"
}
router.post("/webhook") { _, _ -> HTTPResponse.Status in
    .noContent
}

let app = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: port)),
    logger: logger
)
try await app.runService()

// Times argon2id hashes with the given parameters on one thread: the reference figure the login
// benchmark compares against ("login overhead on top of the hash itself").
//   portcullis-bench-hash [COUNT] [MEMORY_KIB] [ITERATIONS] [PARALLELISM]
import Foundation
import PortcullisCrypto

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let count = arguments.first ?? 20
let parameters = Argon2idParameters(
    memoryKiB: arguments.count > 1 ? arguments[1] : Argon2idParameters.default.memoryKiB,
    iterations: arguments.count > 2 ? arguments[2] : Argon2idParameters.default.iterations,
    parallelism: arguments.count > 3 ? arguments[3] : Argon2idParameters.default.parallelism)
let hasher = PasswordHasher(parameters: parameters)
_ = try hasher.hash(password: "warm-up")
var samples: [Double] = []
for index in 0..<count {
    let start = ContinuousClock.now
    _ = try hasher.hash(password: "benchmark-password-\(index)")
    let elapsed = ContinuousClock.now - start
    samples.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
}
samples.sort()
print(String(format: "RESULT hashes=%d m=%d t=%d p=%d median_ms=%.2f min_ms=%.2f max_ms=%.2f", count,
             parameters.memoryKiB, parameters.iterations, parameters.parallelism,
             samples[samples.count / 2], samples.first ?? 0, samples.last ?? 0))

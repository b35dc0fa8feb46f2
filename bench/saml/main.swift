// Times signed SAML response generation (RSA-2048, Assertion and Response both signed) in CPU
// time, one at a time, with the example config's demo-sp and acme's RS256 key: the figure
// bench/run-saml.sh puts next to xmlsec1 signing and verifying the same document.
//   portcullis-bench-saml CONFIG_DIR SECRETS_FILE [COUNT] [OUTPUT_XML]
import Foundation
import PortcullisConfig
import PortcullisSAML

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: portcullis-bench-saml CONFIG_DIR SECRETS_FILE [COUNT] [OUTPUT_XML]\n".utf8))
    exit(2)
}
let count = arguments.count > 3 ? Int(arguments[3]) ?? 2000 : 2000
let result = await ConfigLoader(configDirectory: arguments[1], secretsPath: arguments[2]).load(generation: 1)
guard let snapshot = result.snapshot, let tenant = snapshot.tenantsByID["acme"],
      let provider = tenant.samlServiceProviders["demo-sp"], case .local(let signer) = provider.signing.method else {
    FileHandle.standardError.write(Data("the config has no acme tenant with a locally signed demo-sp: \(result.issues)\n".utf8))
    exit(1)
}
let builder = SAMLResponseBuilder(idpEntityID: tenant.issuer.text, provider: provider, producer: signer)
let profile = SAMLUserProfile(userID: "auth0|bench", email: "bench@example.com", emailVerified: true, name: "Bench User",
                              givenName: "Bench", familyName: "User", nickname: nil, picture: nil, roles: ["admin"],
                              appMetadata: .object([:]), userMetadata: .object([:]))
let login = SAMLResponseBuilder.Login(profile: profile, sessionIndex: "bench-session", authnInstant: Date(), sessionNotOnOrAfter: nil)
let destination = provider.config.defaultAssertionConsumerService?.url?.value.text ?? ""

/// CPU time of the process, in milliseconds: the build runs on the concurrency pool's threads, not
/// this one, and nothing else runs meanwhile.
func processCPU() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) * 1000 + Double(spec.tv_nsec) / 1e6
}

var last: [UInt8] = []
for _ in 0..<50 { last = try await builder.success(login: login, destination: destination, inResponseTo: "_warm", now: Date()) }
var samples: [Double] = []
samples.reserveCapacity(count)
for index in 0..<count {
    let start = processCPU()
    last = try await builder.success(login: login, destination: destination, inResponseTo: "_req\(index)", now: Date())
    samples.append(processCPU() - start)
}
samples.sort()
if arguments.count > 4 { try Data(last).write(to: URL(fileURLWithPath: arguments[4])) }
print(String(format: "RESULT responses=%d bytes=%d p50_cpu_ms=%.3f p90_cpu_ms=%.3f p99_cpu_ms=%.3f", count, last.count,
             samples[samples.count / 2], samples[samples.count * 9 / 10], samples[samples.count * 99 / 100]))

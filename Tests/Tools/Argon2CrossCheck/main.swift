// Answers Argon2 requests given as JSON lines on standard input, one JSON line each on standard
// output, until end of input: the Swift side of Tests/Integration/test_argon2_crosscheck.py, which
// compares every answer with argon2-cffi (the reference C implementation). Byte strings travel as
// lowercase hex.
//   {"op":"raw","type":"id|i|d","version":19|16,"password":H,"salt":H,"secret":H?,"ad":H?,
//    "m":M,"t":T,"p":P,"length":L}                     → {"tag":H}
//   {"op":"hash","password":H,"salt":H,"m":M,"t":T,"p":P} → {"encoded":"$argon2id$…"} (production encoder)
//   {"op":"verify","password":H,"encoded":S}             → {"valid":B,"needs_rehash":B} (production verifier,
//                                                           against the default parameters)
// A malformed request gets {"error":"…"} and the tool carries on.
import Foundation
import PortcullisArgon2
@_spi(Testing) import PortcullisCrypto

struct RequestError: Error { let message: String }

func bytes(_ request: [String: Any], _ key: String, optional: Bool = false) throws -> [UInt8] {
    guard let text = request[key] as? String else {
        if optional, request[key] == nil { return [] }
        throw RequestError(message: "\(key) must be a hex string")
    }
    let digits = Array(text.utf8)
    guard digits.count % 2 == 0 else { throw RequestError(message: "\(key) has an odd number of hex digits") }
    var result: [UInt8] = []
    result.reserveCapacity(digits.count / 2)
    for index in stride(from: 0, to: digits.count, by: 2) {
        guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else {
            throw RequestError(message: "\(key) is not hex")
        }
        result.append(byte)
    }
    return result
}

func integer(_ request: [String: Any], _ key: String) throws -> Int {
    guard let value = request[key] as? Int else { throw RequestError(message: "\(key) must be an integer") }
    return value
}

func text(_ request: [String: Any], _ key: String) throws -> String {
    guard let value = String(validating: try bytes(request, key), as: UTF8.self) else {
        throw RequestError(message: "\(key) is not UTF-8")
    }
    return value
}

func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

func answer(_ request: [String: Any]) throws -> [String: Any] {
    switch request["op"] as? String {
    case "raw":
        let variants: [String: Argon2.Variant] = ["d": .d, "i": .i, "id": .id]
        guard let variant = variants[request["type"] as? String ?? ""] else {
            throw RequestError(message: "type must be d, i or id")
        }
        guard let version = Argon2.Version(rawValue: UInt32(clamping: try integer(request, "version"))) else {
            throw RequestError(message: "version must be 16 or 19")
        }
        do {
            let tag = try Argon2.hash(
                variant: variant, version: version, password: try bytes(request, "password"),
                salt: try bytes(request, "salt"), secret: try bytes(request, "secret", optional: true),
                associatedData: try bytes(request, "ad", optional: true), memoryKiB: try integer(request, "m"),
                iterations: try integer(request, "t"), lanes: try integer(request, "p"),
                tagLength: try integer(request, "length"))
            return ["tag": hex(tag)]
        } catch let error as Argon2Error {
            throw RequestError(message: error.description)
        }
    case "hash":
        let parameters = Argon2idParameters(
            memoryKiB: try integer(request, "m"), iterations: try integer(request, "t"),
            parallelism: try integer(request, "p"))
        do {
            return ["encoded": try PasswordHasher.encodedHash(
                password: try text(request, "password"), salt: try bytes(request, "salt"), parameters: parameters)]
        } catch let error as PasswordHashingError {
            throw RequestError(message: error.description)
        }
    case "verify":
        guard let encoded = request["encoded"] as? String else { throw RequestError(message: "encoded must be a string") }
        switch PasswordHasher().verify(password: try text(request, "password"), against: encoded) {
        case let .valid(needsRehash): return ["valid": true, "needs_rehash": needsRehash]
        case .invalid: return ["valid": false, "needs_rehash": false]
        }
    default:
        throw RequestError(message: "op must be raw, hash or verify")
    }
}

while let line = readLine(strippingNewline: true) {
    var response: [String: Any]
    do {
        guard let request = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw RequestError(message: "a request is a JSON object")
        }
        response = try answer(request)
    } catch let error as RequestError {
        response = ["error": error.message]
    } catch {
        response = ["error": "malformed JSON"]
    }
    let data = (try? JSONSerialization.data(withJSONObject: response, options: [.sortedKeys])) ?? Data("{}".utf8)
    // Unbuffered, one line per answer: the test reads each before it sends the next request.
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}

/// Why Argon2 refused to compute a tag. Messages name the bound, never an input's content.
public enum Argon2Error: Error, Sendable, Equatable, CustomStringConvertible {
    case tagLength(Int)
    case saltLength(Int)
    case inputTooLong
    case lanes(Int)
    case iterations(Int)
    case memory(Int, minimum: Int)
    case outOfMemory(bytes: Int)

    public var description: String {
        switch self {
        case let .tagLength(length):
            "tag length \(length) is outside \(Argon2.minimumTagLength)...\(UInt32.max) bytes"
        case let .saltLength(length):
            "salt length \(length) is outside \(Argon2.minimumSaltLength)...\(UInt32.max) bytes"
        case .inputTooLong:
            "password, secret or associated data longer than \(UInt32.max) bytes"
        case let .lanes(lanes):
            "parallelism \(lanes) is outside \(Argon2.lanesRange.lowerBound)...\(Argon2.lanesRange.upperBound)"
        case let .iterations(iterations):
            "iterations \(iterations) is outside 1...\(UInt32.max)"
        case let .memory(memory, minimum):
            "memory \(memory) KiB is outside \(minimum)...\(UInt32.max) KiB (at least 8 KiB per lane)"
        case let .outOfMemory(bytes):
            "could not allocate \(bytes) bytes"
        }
    }
}

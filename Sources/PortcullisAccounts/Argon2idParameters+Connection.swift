import PortcullisCore
import PortcullisCrypto

extension Argon2idParameters {
    /// The connection's configured cost.
    public init(_ settings: PasswordHashing) {
        self.init(memoryKiB: settings.memoryKiB, iterations: settings.iterations, parallelism: settings.parallelism)
    }
}

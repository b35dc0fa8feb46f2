import Foundation
import PortcullisStore
import Testing

@Suite("User values")
struct UserValueTests {
    @Test func idsAreRandomPrefixedAndURLSafe() {
        let ids = (0..<1000).map { _ in User.makeID() }
        #expect(Set(ids).count == ids.count)
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        for id in ids {
            #expect(id.hasPrefix("usr_"))
            #expect(id.count == 28)
            #expect(id.dropFirst(4).allSatisfy(alphabet.contains))
        }
    }

    @Test func theExternalIDNamesTheConnection() {
        let user = User(id: "usr_abc", tenantID: "acme", connection: "database", email: "a@example.com", createdAt: Date())
        #expect(user.externalID == "database|usr_abc")
    }

    @Test func loginNamesCompareWithoutCaseOrCompositionDifferences() {
        #expect(User.normalizedLoginName("Ann.Lee@Example.COM") == "ann.lee@example.com")
        // "é" as one code point and as "e" plus a combining accent.
        #expect(User.normalizedLoginName("Ren\u{E9}@example.com") == User.normalizedLoginName("Rene\u{301}@example.com"))
        #expect(User.normalizedLoginName("ÄRGER@Example.de") == "ärger@example.de")
    }

    @Test func aLockIsOverWhenItsTimeComes() {
        let until = Date(timeIntervalSince1970: 1_000)
        let state = LoginLockState(consecutiveFailures: 5, lockedUntil: until)
        #expect(state.isLocked(at: until.addingTimeInterval(-0.001)))
        #expect(!state.isLocked(at: until))
        #expect(!LoginLockState(consecutiveFailures: 9).isLocked(at: until))
    }
}

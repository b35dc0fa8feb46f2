import PortcullisStore
import Testing

@Suite("AuditEvent IDs")
struct AuditEventIDTests {
    @Test func areRandomAndURLSafe() {
        let ids = (0..<1000).map { _ in AuditEvent.makeID() }
        #expect(Set(ids).count == ids.count)
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        for id in ids {
            #expect(id.hasPrefix("evt_"))
            #expect(id.count == 28)
            #expect(id.dropFirst(4).allSatisfy(alphabet.contains))
        }
    }
}

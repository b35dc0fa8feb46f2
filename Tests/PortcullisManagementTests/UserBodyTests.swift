import Foundation
import PortcullisAccounts
import PortcullisCore
import PortcullisManagement
import PortcullisStore
import Testing

@Suite("User request bodies")
struct UserBodyTests {
    func data(_ text: String) -> Data { Data(text.utf8) }

    func message(_ body: () throws -> Void) -> String? {
        do { try body() } catch { return (error as? ManagementError)?.message ?? "\(error)" }
        return nil
    }

    @Test func createTakesAuth0Fields() throws {
        let create = try UserBody.create(data(#"""
            {"connection": "db", "email": "a@b.c", "password": "secret-enough-1", "name": "A", "blocked": true,
             "app_metadata": {"plan": "gold", "gone": null}, "verify_email": true}
            """#))
        #expect(create.connection == "db")
        #expect(create.user.email == "a@b.c")
        #expect(create.user.password == .plain("secret-enough-1"))
        #expect(create.user.values[.name] == .text("A"))
        #expect(create.user.values[.blocked] == .flag(true))
        #expect(create.user.values[.appMetadata] == .object(#"{"plan":"gold"}"#), "nulls are dropped on create")
        #expect(create.verifyEmail)
    }

    @Test func createRefusesWithTheFieldNamed() {
        let cases: [(String, String)] = [
            (#"{"email": "a@b.c"}"#, "connection"),
            (#"{"connection": "db"}"#, "email"),
            (#"{"connection": "db", "email": "a@b.c", "colour": 1}"#, "colour"),
            (#"{"connection": "db", "email": 5}"#, "email"),
            (#"{"connection": "db", "email": "a@b.c", "blocked": "no"}"#, "blocked"),
            (#"{"connection": "db", "email": "a@b.c", "user_metadata": []}"#, "user_metadata"),
            (#"{"connection": "db", "email": "a@b.c", "app_metadata": {"$set": 1}}"#, "app_metadata"),
            (#"{"connection": "db", "email": "a@b.c", "password": "x", "password_hash": "y"}"#, "password"),
            (#"{"connection": "db", "email": "a@b.c", "username": "has space"}"#, "username"),
            (#"{"connection": "db", "email": "a@b.c", "name": "line\nbreak"}"#, "name"),
        ]
        for (body, field) in cases {
            let text = message { _ = try UserBody.create(data(body)) }
            #expect(text?.contains(field) == true, "\(body): \(text ?? "accepted")")
        }
        let big = #"{"connection": "db", "email": "a@b.c", "app_metadata": {"a": ""# + String(repeating: "x", count: 70_000) + "\"}}"
        #expect(message { _ = try UserBody.create(data(big)) }?.contains("KiB") == true)
    }

    @Test func patchKeepsNullsForTheMergeAndKnowsItsScope() throws {
        let patch = try UserBody.patch(data(#"{"app_metadata": {"a": null, "b": 1}}"#))
        #expect(patch.changes.appMetadata == ["a": .null, "b": 1])
        #expect(!patch.touchesMoreThanAppMetadata)
        let more = try UserBody.patch(data(#"{"app_metadata": {}, "name": null, "password": "x"}"#))
        #expect(more.touchesMoreThanAppMetadata)
        #expect(more.changes.values[.name] == .text(nil))
        #expect(more.changes.password == "x")
        #expect(message { _ = try UserBody.patch(data(#"{"email": null}"#)) }?.contains("email") == true)
    }
}

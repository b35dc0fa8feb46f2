import Foundation
import PortcullisManagement
import PortcullisStore
import Testing

/// Auth0's user search syntax: what each form parses to, and the clear refusals.
@Suite("User search syntax")
struct UserQueryParserTests {
    static let valid: [(String, UserQuery)] = [
        ("", .all),
        ("   ", .all),
        (#"email:"jane@example.com""#, .match(.email, .exact("jane@example.com"))),
        ("email:jane@example.com", .match(.email, .exact("jane@example.com"))),
        ("email:*@acme.test", .match(.email, .suffix("@acme.test"))),
        ("name:jo*", .match(.name, .prefix("jo"))),
        ("name:*oh*", .match(.name, .contains("oh"))),
        (#"name:"jane smith""#, .match(.name, .exact("jane smith"))),
        (#"name:"say \"hi\"""#, .match(.name, .exact(#"say "hi""#))),
        ("user_id:database|usr_1", .match(.userID, .exact("database|usr_1"))),
        ("app_metadata.plan:gold", .match(.appMetadata(["plan"]), .exact("gold"))),
        ("app_metadata.sub.plan:\"gold\"", .match(.appMetadata(["sub", "plan"]), .exact("gold"))),
        ("identities.connection:partners", .match(.connection, .exact("partners"))),
        ("email.domain:acme.test", .match(.emailDomain, .exact("acme.test"))),
        ("blocked:true", .match(.blocked, .exact("true"))),
        ("_exists_:app_metadata.plan", .exists(.appMetadata(["plan"]))),
        ("logins_count:[1 TO 10}", .range(.loginsCount, lower: UserQueryBound(.count(1), inclusive: true),
                                          upper: UserQueryBound(.count(10), inclusive: false))),
        ("logins_count:{5 TO *]", .range(.loginsCount, lower: UserQueryBound(.count(5), inclusive: false), upper: nil)),
        ("created_at:[2026-01-01 TO 2026-02-01T00:00:00Z]",
         .range(.createdAt, lower: UserQueryBound(.time(Date(timeIntervalSince1970: 1_767_225_600)), inclusive: true),
                upper: UserQueryBound(.time(Date(timeIntervalSince1970: 1_769_904_000)), inclusive: true))),
    ]

    @Test func forms() throws {
        for (text, expected) in Self.valid {
            #expect(try UserQueryParser.parse(text) == expected, "\(text)")
        }
    }

    @Test func operatorsAndPrecedence() throws {
        let a = UserQuery.match(.email, .exact("a")), b = UserQuery.match(.name, .exact("b")), c = UserQuery.match(.blocked, .exact("true"))
        #expect(try UserQueryParser.parse("email:a AND name:b OR blocked:true") == .or([.and([a, b]), c]))
        #expect(try UserQueryParser.parse("email:a AND (name:b OR blocked:true)") == .and([a, .or([b, c])]))
        #expect(try UserQueryParser.parse("email:a name:b") == .or([a, b]), "side by side is OR, Lucene's default")
        #expect(try UserQueryParser.parse("NOT blocked:true AND email:a") == .and([.not(c), a]))
        #expect(try UserQueryParser.parse("(((email:a)))") == a)
        // A bare term searches the normalized fields.
        #expect(try UserQueryParser.parse("jane") == .or([.email, .name, .givenName, .familyName, .username].map {
            UserQuery.match($0, .contains("jane"))
        }))
        // Operators are capitalized; in lower case they are terms.
        #expect(try UserQueryParser.parse("email:a and") == .or([a, .or([.email, .name, .givenName, .familyName, .username].map {
            UserQuery.match($0, .contains("and"))
        })]))
    }

    @Test func refusals() {
        let refused = [
            "nickname:x", "email:(x", "email:a AND", "(email:a", "email:a)", "email:\"open", "email:a*b", "email:*ab",
            "email:*", "logins_count:many", "blocked:maybe", "created_at:2026-01-01", "created_at:[yesterday TO *]",
            "email:[a TO b]", "user_metadata.x:ab*", "app_metadata..x:1", "logins_count:[1 10]",
            String(repeating: "(", count: 20) + "email:a" + String(repeating: ")", count: 20),
            (0..<70).map { "email:a\($0)" }.joined(separator: " OR "),
            String(repeating: "x", count: UserQueryParser.maxLength + 1),
        ]
        for text in refused {
            #expect(throws: ManagementError.self, "\(text.prefix(60))") { try UserQueryParser.parse(text) }
            do { _ = try UserQueryParser.parse(text) } catch { #expect(error.errorCode == "invalid_query_string") }
        }
    }
}

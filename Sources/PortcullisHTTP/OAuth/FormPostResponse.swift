import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PortcullisCrypto
import PortcullisOAuth

/// `response_mode=form_post` (OAuth 2.0 Form Post Response Mode): an HTML page whose form posts
/// the response to the client. One nonce'd inline script submits it; without JavaScript the user
/// presses the button. The SAML HTTP-POST binding sends its responses the same way.
enum FormPostResponse {
    static func make(_ response: AuthorizationResponse) -> Response {
        make(action: response.redirectURI, fields: response.parameters)
    }

    static func make(action: String, fields parameters: [(String, String)]) -> Response {
        let nonce = RandomToken.make(bytes: 16)
        let fields = parameters.map {
            "<input type=\"hidden\" name=\"\(escape($0.0))\" value=\"\(escape($0.1))\">"
        }.joined(separator: "\n")
        let html = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Continue</title></head>
        <body>
        <form method="post" action="\(escape(action))">
        \(fields)
        <noscript><button type="submit">Continue</button></noscript>
        </form>
        <script nonce="\(nonce)">document.forms[0].submit();</script>
        </body></html>
        """
        let headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
            .contentSecurityPolicy: "default-src 'none'; script-src 'nonce-\(nonce)'; frame-ancestors 'none'",
            HTTPField.Name("X-Frame-Options")!: "DENY", HTTPField.Name("Referrer-Policy")!: "no-referrer",
        ]
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}

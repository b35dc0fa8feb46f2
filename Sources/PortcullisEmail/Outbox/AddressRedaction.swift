/// Hides the local part of anything that looks like an email address, so a server reply such as
/// `550 5.1.1 <alice@example.com>: Recipient address rejected` is logged as
/// `550 5.1.1 <…@example.com>: Recipient address rejected`.
enum AddressRedaction {
    static func redact(_ text: String) -> String {
        var output: [Character] = []
        for character in text {
            if character == "@" {
                var removed = 0
                while let last = output.last, isLocalPartCharacter(last) {
                    output.removeLast()
                    removed += 1
                }
                if removed > 0 { output.append("…") }
            }
            output.append(character)
        }
        return String(output)
    }

    private static func isLocalPartCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "!#$%&'*+-/=?^_`{|}~.".contains(character))
    }
}

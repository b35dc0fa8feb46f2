/// Frequently used passwords (lower-case) from public breach statistics; a new password equal to
/// one of them is refused. Compiled in rather than shipped as a resource, so a copied binary can
/// never run without it.
enum CommonPasswords {
    static let list: Set<String> = [
        "123456", "password", "12345678", "qwerty", "123456789", "12345", "1234", "111111", "1234567", "dragon",
        "123123", "baseball", "abc123", "football", "monkey", "letmein", "696969", "shadow", "master", "666666",
        "qwertyuiop", "123321", "mustang", "1234567890", "michael", "654321", "superman", "1qaz2wsx", "7777777",
        "121212", "000000", "qazwsx", "123qwe", "killer", "trustno1", "jordan", "jennifer", "zxcvbnm", "asdfgh",
        "hunter", "buster", "soccer", "harley", "batman", "andrew", "tigger", "sunshine", "iloveyou", "2000",
        "charlie", "robert", "thomas", "hockey", "ranger", "daniel", "starwars", "klaster", "112233", "george",
        "computer", "michelle", "jessica", "pepper", "1111", "zxcvbn", "555555", "11111111", "131313", "freedom",
        "777777", "pass", "maggie", "159753", "aaaaaa", "ginger", "princess", "joshua", "cheese", "amanda",
        "summer", "love", "ashley", "nicole", "chelsea", "biteme", "matthew", "access", "yankees", "987654321",
        "dallas", "austin", "thunder", "taylor", "matrix", "mobilemail", "mom", "monitor", "monitoring", "montana",
        "moon", "moscow", "welcome", "welcome1", "welcome123", "password1", "password12", "password123",
        "password1234", "passw0rd", "p@ssw0rd", "p@ssword", "admin", "admin123", "administrator", "root", "toor",
        "changeme", "changeme123", "secret", "secret123", "letmein123", "qwerty123", "qwerty1", "qwertyui",
        "1q2w3e4r", "1q2w3e4r5t", "1q2w3e", "12qwaszx", "zaq12wsx", "zaq1zaq1", "asdfghjkl", "asdf1234",
        "asdfasdf", "abcd1234", "abcdef", "abcdefg", "abcdefgh", "123abc", "11223344", "1234qwer", "q1w2e3r4",
        "q1w2e3r4t5", "qwe123", "1qazxsw2", "987654", "9876543210", "123654", "147258369", "147258", "159357",
        "741852963", "ilovey0u", "iloveyou1", "lovely", "loveme", "princess1", "sunshine1", "football1",
        "baseball1", "superman1", "batman1", "monkey1", "dragon1", "shadow1", "master1", "michael1", "jordan23",
        "hello", "hello123", "whatever", "starwars1", "pokemon", "minecraft", "fortnite", "internet", "samsung",
        "google", "apple123", "liverpool", "arsenal", "chelsea1", "manchester", "barcelona", "spiderman", "pussy",
        "123456a", "a123456", "123456q", "qwerty12", "qwertyu", "1password", "passwort",
        "passwort1", "hallo", "hallo123", "geheim", "schatz", "sommer", "winter2024", "summer2024", "spring2024",
        "autumn2024", "winter2025", "summer2025", "spring2025", "autumn2025", "winter2026", "summer2026",
        "company", "company123", "portcullis", "portcullis1",
    ]
}

/// The XML Signature identifiers SAML uses (XML-DSig 1.1, RFC 6931).
public enum XMLSignatureAlgorithms {
    public static let namespace = "http://www.w3.org/2000/09/xmldsig#"
    public static let envelopedSignature = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
    public static let rsaSHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    public static let rsaSHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
    public static let sha256 = "http://www.w3.org/2001/04/xmlenc#sha256"
    public static let sha1 = "http://www.w3.org/2000/09/xmldsig#sha1"
}

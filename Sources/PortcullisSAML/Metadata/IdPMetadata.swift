/// The IdP's metadata for one service provider (saml-metadata-2.0-os §2.4.3): entity ID, signing
/// certificate, SSO and SLO endpoints for both bindings, NameID format. Written without a DTD and
/// in schema order (KeyDescriptor, SingleLogoutService, NameIDFormat, SingleSignOnService).
public enum IdPMetadata {
    public static let contentType = "application/samlmetadata+xml"

    public static func document(entityID: String, ssoURL: String, sloURL: String,
                                provider: SAMLServiceProvider) -> String {
        let certificate = provider.signing.certificate.base64
        let signed = provider.config.wantAuthnRequestsSigned ? "true" : "false"
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <md:EntityDescriptor xmlns:md="\(SAMLNames.metadataNS)" xmlns:ds="\(XMLSignatureAlgorithms.namespace)" \
            entityID="\(XMLText.attribute(entityID))">
              <md:IDPSSODescriptor WantAuthnRequestsSigned="\(signed)" protocolSupportEnumeration="\(SAMLNames.protocolNS)">
                <md:KeyDescriptor use="signing">
                  <ds:KeyInfo><ds:X509Data><ds:X509Certificate>\(certificate)</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
                </md:KeyDescriptor>
                <md:SingleLogoutService Binding="\(SAMLNames.redirectBinding)" Location="\(XMLText.attribute(sloURL))"/>
                <md:SingleLogoutService Binding="\(SAMLNames.postBinding)" Location="\(XMLText.attribute(sloURL))"/>
                <md:NameIDFormat>\(provider.config.nameID.format.uri)</md:NameIDFormat>
                <md:SingleSignOnService Binding="\(SAMLNames.redirectBinding)" Location="\(XMLText.attribute(ssoURL))"/>
                <md:SingleSignOnService Binding="\(SAMLNames.postBinding)" Location="\(XMLText.attribute(ssoURL))"/>
              </md:IDPSSODescriptor>
            </md:EntityDescriptor>

            """
    }
}

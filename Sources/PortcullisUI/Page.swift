/// The hosted pages, each rendered from `Templates/<template>.mustache` inside `layout.mustache`.
public enum Page: String, CaseIterable, Sendable {
    case login, signup, forgotPassword = "forgot-password", resetPassword = "reset-password",
         verifyEmail = "verify-email", consent, logout, loggedIn = "logged-in", error, invitation,
         hookForm = "form"

    public var template: String { rawValue }
}

/// What every page shows: tenant name and branding, the locale, the CSRF token and the style nonce.
public struct PageFrame: Sendable {
    public var tenantName: String
    public var logoURL: String?
    public var primaryColor: String
    public var pageBackground: String
    public var locale: String
    public var nonce: String
    public var csrfToken: String
    /// URL path of the stylesheet directory, e.g. `/acme/u/assets`.
    public var assetsPath: String

    public init(tenantName: String, logoURL: String?, primaryColor: String?, pageBackground: String?, locale: String,
                nonce: String, csrfToken: String, assetsPath: String) {
        self.tenantName = tenantName
        self.logoURL = logoURL
        // Colours reach a <style> element; they were validated as #rgb/#rrggbb when the config was read.
        self.primaryColor = primaryColor ?? "#1f4fd1"
        self.pageBackground = pageBackground ?? "#f4f6fb"
        self.locale = locale
        self.nonce = nonce
        self.csrfToken = csrfToken
        self.assetsPath = assetsPath
    }
}

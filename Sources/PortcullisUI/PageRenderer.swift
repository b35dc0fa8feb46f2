import Foundation
import Mustache
import Synchronization

/// Renders hosted pages from Mustache templates. The shipped templates are loaded once at start; a
/// tenant's override directory (`branding.template_directory`) replaces templates of the same name,
/// and is loaded on first use and kept.
public final class PageRenderer: Sendable {
    public let catalog: MessageCatalog
    public let stylesheet: String
    private let shipped: MustacheLibrary
    private let overrides = Mutex<[String: MustacheLibrary]>([:])

    public init(templateDirectory requested: String) async throws {
        // The template loader does not descend through a symlinked directory; installations and
        // Kubernetes volumes often are one, so resolve it first.
        let templateDirectory = URL(fileURLWithPath: requested).resolvingSymlinksInPath().path
        shipped = try await MustacheLibrary(directory: templateDirectory)
        for page in Page.allCases where shipped.getTemplate(named: page.template) == nil {
            throw RendererError.missingTemplate(page.template, templateDirectory)
        }
        catalog = try MessageCatalog(directory: (templateDirectory as NSString).appendingPathComponent("i18n"))
        stylesheet = try String(contentsOfFile: (templateDirectory as NSString).appendingPathComponent("assets/portcullis.css"),
                                encoding: .utf8)
    }

    /// The page as HTML. `values` are the page's own fields; `frame` the common ones.
    public func render(_ page: Page, frame: PageFrame, values: [String: Any] = [:], overrideDirectory: String? = nil)
        async -> String
    {
        let library = await library(overrideDirectory)
        var context: [String: Any] = values
        context["locale"] = frame.locale
        context["nonce"] = frame.nonce
        context["csrf"] = frame.csrfToken
        context["assets"] = frame.assetsPath
        context["t"] = catalog.table(for: frame.locale)
        context["tenant"] = ["name": frame.tenantName, "initial": String(frame.tenantName.prefix(1)).uppercased()]
        var branding: [String: Any] = ["primary": frame.primaryColor, "background": frame.pageBackground]
        if let logo = frame.logoURL { branding["logo"] = logo }
        context["branding"] = branding
        return library.render(context, withTemplate: page.template) ?? ""
    }

    private func library(_ overrideDirectory: String?) async -> MustacheLibrary {
        guard let overrideDirectory else { return shipped }
        if let cached = overrides.withLock({ $0[overrideDirectory] }) { return cached }
        var merged = shipped
        // A broken override must not take the login page down: templates that fail to parse are
        // skipped and the shipped ones stay in place.
        let resolved = URL(fileURLWithPath: overrideDirectory).resolvingSymlinksInPath().path
        if let custom = try? await MustacheLibrary(directory: resolved) {
            for page in Page.allCases {
                if let template = custom.getTemplate(named: page.template) { merged.register(template, named: page.template) }
            }
            if let layout = custom.getTemplate(named: "layout") { merged.register(layout, named: "layout") }
        }
        let result = merged
        overrides.withLock { $0[overrideDirectory] = result }
        return result
    }
}

public enum RendererError: Error, CustomStringConvertible {
    case missingTemplate(String, String)

    public var description: String {
        switch self {
        case .missingTemplate(let name, let directory): return "template \(name).mustache is missing in \(directory)"
        }
    }
}

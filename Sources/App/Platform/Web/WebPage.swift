import Vapor

/// What every page's layout shows: who is signed in and where, the navigation their role allows, the
/// organization switcher and the CSRF token every form carries.
struct PageContext: Encodable {
    struct Link: Encodable {
        var label: String
        var href: String
        var active: Bool
    }

    struct OrganizationChoice: Encodable {
        var id: String
        var name: String
        var current: Bool
    }

    var title: String
    var csrfToken: String
    var signedIn: Bool
    var userName: String?
    var userEmail: String?
    var role: String?
    var organizationName: String?
    var organizations: [OrganizationChoice] = []
    var nav: [Link] = []
    /// A one-line message after a redirect ("Password changed.").
    var flash: String?

    /// A page for someone not signed in (sign-in, errors before sign-in).
    static func anonymous(_ title: String, request: Request) -> PageContext {
        PageContext(title: title, csrfToken: WebSession.csrfToken(request), signedIn: false)
    }
}

/// One choice of a select or a list of links: what it sends, what it shows, whether it is the current one.
struct WebOption: Encodable {
    var value: String
    var label: String
    var selected: Bool
}

/// One line of a page's list: what it says, a detail beside it, where it leads.
struct WebLine: Encodable {
    var text: String
    var detail: String
    var href: String?
}

/// Renders Leaf views with the headers every page gets.
enum WebPage {
    static func render(
        _ template: String, _ context: some Encodable, status: HTTPResponseStatus = .ok, for request: Request
    ) async throws -> Response {
        let view = try await request.view.render(template, context)
        let response = Response(status: status, body: .init(buffer: view.data))
        applyHeaders(to: response)
        return response
    }

    /// HTML, never cached (pages show live data and a CSRF token), only same-origin scripts and styles, never framed.
    static func applyHeaders(to response: Response) {
        response.headers.replaceOrAdd(name: .contentType, value: "text/html; charset=utf-8")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        response.headers.replaceOrAdd(
            name: "Content-Security-Policy", value: "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
    }
}

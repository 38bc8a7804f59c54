import Vapor

/// The few server-rendered pages the platform foundation needs. The web app replaces these with Leaf views.
enum HTMLPage {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }

    struct Rendered {
        var html: String

        func response(status: HTTPResponseStatus = .ok) -> Response {
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .contentType, value: "text/html; charset=utf-8")
            headers.replaceOrAdd(name: .cacheControl, value: "no-store")
            headers.replaceOrAdd(name: "Content-Security-Policy", value: "default-src 'self'; style-src 'self' 'unsafe-inline'")
            headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
            return Response(status: status, headers: headers, body: .init(string: html))
        }
    }

    static func layout(title: String, body: String) -> Rendered {
        Rendered(
            html: """
                <!doctype html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>\(escape(title)) · Millwright</title>
                <style>
                body { font-family: system-ui, sans-serif; max-width: 28rem; margin: 3rem auto; padding: 0 1rem; color: #1d232a; }
                label { display: block; margin-top: 1rem; font-weight: 600; }
                input { width: 100%; padding: .6rem; font-size: 1rem; box-sizing: border-box; }
                button { margin-top: 1.5rem; padding: .6rem 1.2rem; font-size: 1rem; }
                .error { color: #a4161a; border-left: 4px solid #a4161a; padding-left: .6rem; }
                </style>
                </head>
                <body>
                <main>
                \(body)
                </main>
                </body>
                </html>
                """)
    }

}

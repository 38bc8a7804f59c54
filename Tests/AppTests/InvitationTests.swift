import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Invitations and password resets")
struct InvitationTests {
    @Test func anExistingAccountAndANewEmailAreInvitedAlikeAndJoinOnlyByAccepting() async throws {
        try await withTestApp { app in
            let alpha = try await app.makeTenant("Alpha")
            let beta = try await app.makeTenant("Beta")
            let existing = try await app.send(
                .POST, "/api/v1/users", token: beta.token, json: ["email": alpha.ownerEmail, "role": "viewer"])
            let stranger = "new-\(UUID().uuidString.prefix(6).lowercased())@example.com"
            let fresh = try await app.send(.POST, "/api/v1/users", token: beta.token, json: ["email": stranger, "role": "viewer"])
            // The same answer either way: an invitation and its link, nothing about the account.
            #expect(existing.status == .created && fresh.status == .created)
            func shape(_ response: TestingHTTPResponse) throws -> [String] {
                let object = try response.json()
                let invitation = (object["invitation"].value as? [String: Any]) ?? [:]
                return ((object.value as? [String: Any])?.keys.sorted() ?? []) + invitation.keys.sorted() + [
                    object["invitation"]["status"].stringValue ?? ""
                ]
            }
            #expect(try shape(existing) == shape(fresh))
            #expect(!existing.body.string.contains(alpha.ownerID.uuidString))
            #expect(!existing.body.string.contains("mustChangePassword"))
            #expect(try existing.json()["invitation"]["status"].stringValue == "pending")
            // Nobody joined yet.
            let members = try await app.send(.GET, "/api/v1/users", token: beta.token).json()["items"].array
            #expect(members.count == 1)

            // The existing account joins only with its own password.
            let link = try existing.json()["link"].string()
            #expect(try await app.accept(link, password: "not the password").status == .unauthorized)
            #expect(try await Membership.query(on: app.db).filter(\.$organizationID == beta.organizationID).count() == 1)
            let joined = try await app.accept(link, password: alpha.ownerPassword)
            #expect(joined.status == .created)
            #expect(try joined.json()["userId"].uuid() == alpha.ownerID)
            _ = try await app.signIn(email: alpha.ownerEmail, password: alpha.ownerPassword, organizationID: beta.organizationID)
            // A link works once.
            #expect(try await app.accept(link, password: alpha.ownerPassword).status == .notFound)

            // The new e-mail chooses a password, which must meet the rules.
            let newLink = try fresh.json()["link"].string()
            let preview = try await app.send(.GET, "/api/v1/invitations/preview?token=\(newLink.split(separator: "/").last!)")
            #expect(try preview.json()["organization"].stringValue == "Beta")
            #expect(try await app.accept(newLink, password: "short").problemFields() == ["password"])
            #expect(try await app.accept(newLink, password: "a long new password", name: "Nia").status == .created)
            _ = try await app.signIn(email: stranger, password: "a long new password")
            let actions = try await AuditEvent.query(on: app.db).filter(\.$organizationID == beta.organizationID).all().map(\.action)
            #expect(actions.filter { $0 == "member.invited" }.count == 2)
            #expect(actions.filter { $0 == "member.added" }.count == 3)  // the owner, then the two who accepted
        }
    }

    @Test func aWithdrawnExpiredOrReplacedLinkNoLongerWorks() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            func invite(_ email: String) async throws -> (id: UUID, link: String) {
                let response = try await app.send(
                    .POST, "/api/v1/users", token: tenant.token, json: ["email": email, "role": "technician"])
                return (try response.json()["invitation"]["id"].uuid(), try response.json()["link"].string())
            }
            let withdrawn = try await invite("a@example.com")
            #expect(try await app.send(.DELETE, "/api/v1/invitations/\(withdrawn.id)", token: tenant.token).status == .noContent)
            #expect(try await app.accept(withdrawn.link, password: "a long new password").status == .notFound)

            let expired = try await invite("b@example.com")
            try await Invitation.query(on: app.db).filter(\.$id == expired.id).set(\.$expiresAt, to: Date().addingTimeInterval(-1)).update()
            #expect(try await app.accept(expired.link, password: "a long new password").status == .notFound)
            let listed = try await app.send(.GET, "/api/v1/invitations", token: tenant.token).json()["items"].array
            #expect(listed.map { $0["status"].stringValue } == ["expired"])

            let first = try await invite("c@example.com")
            let second = try await invite("c@example.com")
            #expect(try await app.accept(first.link, password: "a long new password").status == .notFound)
            #expect(try await app.accept(second.link, password: "a long new password").status == .created)
            // A member already: refused, nothing written.
            let again = try await app.send(.POST, "/api/v1/users", token: tenant.token, json: ["email": "c@example.com", "role": "viewer"])
            #expect(again.status == .conflict)
            #expect(try await User.query(on: app.db).filter(\.$email == "a@example.com").count() == 0)
        }
    }

    @Test func anAdminResetsThePasswordOfAMemberOfTheirOrganizationAloneAndEndsTheirSignIns() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let other = try await app.makeTenant()
            let email = "tech-\(UUID().uuidString.prefix(6).lowercased())@example.com"
            let memberID = try await app.inviteAndAccept(tenant, email: email, role: .technician)
            let signedIn = try await app.send(.POST, "/api/v1/auth/token", json: ["email": email, "password": "their own password"])
            let refresh = try signedIn.json()["refreshToken"].string()

            let reset = try await app.send(.POST, "/api/v1/users/\(memberID)/reset-password", token: tenant.token)
            #expect(reset.status == .ok)
            let password = try reset.json()["password"].string()
            #expect(try await app.send(.POST, "/api/v1/auth/refresh", json: ["refreshToken": refresh]).status == .unauthorized)
            #expect(
                try await app.send(.POST, "/api/v1/auth/token", json: ["email": email, "password": "their own password"]).status
                    == .unauthorized)
            _ = try await app.signIn(email: email, password: password)
            #expect(try await User.query(on: app.db).filter(\.$email == email).first()?.mustChangePassword == true)

            // Someone who is also in another organization resets their own; so does the admin.
            _ = try await app.inviteAndAccept(other, email: email, role: .viewer, password: password)
            #expect(try await app.send(.POST, "/api/v1/users/\(memberID)/reset-password", token: tenant.token).status == .conflict)
            #expect(try await app.send(.POST, "/api/v1/users/\(tenant.ownerID)/reset-password", token: tenant.token).status == .conflict)
            let technician = try await app.addMember(to: tenant, role: .technician)
            #expect(try await app.send(.POST, "/api/v1/users/\(memberID)/reset-password", token: technician.token).status == .forbidden)
        }
    }
}

import Fluent
import Foundation
import Testing

@testable import App

/// Every model lists its properties (`var properties`) so that Fluent need not reflect on it; the list must be
/// what reflection finds, in its order.
@Suite("Model property lists")
struct ModelPropertiesTests {
    static let models: [any Model.Type] = [
        APIKey.self, Invitation.self, Membership.self, Organization.self, User.self, Asset.self, CustomField.self, Meter.self,
        MeterReading.self, DiagnosisRecord.self, DiagnosisFeedback.self, KnowledgeAtom.self, Vendor.self, Part.self, StockLevel.self,
        StockMovement.self, Reservation.self, Alert.self, PurchaseOrder.self, PurchaseOrderLine.self, PMSchedule.self, PMGeneration.self,
        MaintenanceRequest.self, Attachment.self, Client.self, Location.self, Site.self, ChecklistTemplate.self, WorkOrderTask.self,
        FailureCode.self, Counter.self, SavedView.self, Team.self, WorkOrder.self, LaborEntry.self, WorkOrderCost.self, Comment.self,
        Downtime.self, AuditEvent.self, AuditChainHead.self, RefreshToken.self, SignInThrottle.self, WebSessionRecord.self,
    ]

    static func reflected(_ model: some Fields) -> [ObjectIdentifier] {
        Mirror(reflecting: model).children.compactMap { ($0.value as? any AnyProperty).map { ObjectIdentifier($0 as AnyObject) } }
    }

    @Test("each model's list is exactly its properties as reflection finds them")
    func listsMatchReflection() {
        for type in Self.models {
            let model = type.init()
            let listed = model.properties.map { ObjectIdentifier($0 as AnyObject) }
            #expect(listed == Self.reflected(model), "\(type)")
        }
    }

    @Test("every model of the app is in the list above")
    func everyModelIsChecked() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/App")
        let files = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        var declared: Set<String> = []
        for case let file as URL in files where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in text.matches(of: /final class (\w+): Model\b/) { declared.insert(String(match.output.1)) }
        }
        #expect(declared == Set(Self.models.map { "\($0)" }))
    }
}

import Fluent
import Foundation
import SQLKit

extension AttachmentStore {
    /// What the attachments are of: one work order, one request or one asset.
    enum Owner: Sendable {
        case workOrder(UUID)
        case request(UUID)
        case asset(UUID)

        var column: (name: String, id: UUID) {
            switch self {
            case .workOrder(let id): ("work_order_id", id)
            case .request(let id): ("request_id", id)
            case .asset(let id): ("asset_id", id)
            }
        }
    }

    static let sorts: [SortColumn] = [.createdAt]

    /// One page of the attachments of `owner`, decoded straight from the rows. The caller has found the owner
    /// where the principal may read it.
    static func list(of owner: Owner, _ parameters: ListParameters, principal: Principal, on db: any Database) async throws -> (
        items: [Attachment.DTO], nextCursor: String?
    ) {
        let (column, id) = owner.column
        return try await principal.select(Attachment.DTO.self, on: db).where(Attachment.schema, column, is: id)
            .page(parameters, sorts: sorts, as: Attachment.DTO.self)
    }
}

extension Attachment.DTO: RowDecodable {
    static let table = Attachment.schema
    static let columns = [
        "id", "work_order_id", "request_id", "asset_id", "filename", "content_type", "size", "sha256", "uploaded_by_user_id", "created_at",
    ]

    init(row: RowReader) throws {
        let id = try row.uuid("id")
        self.init(
            id: id, workOrderId: try row.optionalUUID("work_order_id"), requestId: try row.optionalUUID("request_id"),
            assetId: try row.optionalUUID("asset_id"), filename: try row.string("filename"), contentType: try row.string("content_type"),
            size: try row.int("size"), sha256: try row.string("sha256"), uploadedByUserId: try row.optionalUUID("uploaded_by_user_id"),
            url: Attachment.contentURL(id), createdAt: try row.optionalDate("created_at"))
    }
}

import Fluent
import Foundation
import Maintenance

/// The list-and-create pages, each over its feature's query and operations.
enum WebCatalogs {
    static let all: [any WebCatalogPage] = [sites, clients, vendors, parts, pmSchedules, purchaseOrders]

    /// A date as a date input's value (`2030-01-15`, UTC, which the API's dates are); none: empty.
    static func day(_ date: Date?) -> String { date.map { WebFormat.date($0) } ?? "" }

    static let sites = WebCatalog<Site.DTO>(
        path: "sites", title: "Sites", read: .sitesRead, write: .sitesWrite, idParameter: "siteID",
        list: { request, principal in
            let parameters = try ListParameters.catalog(request, sortable: Sites.sorts.map(\.name), defaultSort: "name")
            return try await Sites.list(parameters, principal: principal, on: request.db)
        }, id: \.id, version: \.version,
        create: { body, principal, request in _ = try await Sites.create(from: { body }, principal: principal, through: request) },
        columns: [
            .init(label: "Site", value: { site, _ in site.name }), .init(label: "Time zone", value: { site, _ in site.timeZone }),
            .init(label: "Address", value: { site, _ in site.address ?? "" }),
        ],
        fields: [
            .init(name: "name", label: "Name"), .init(name: "timeZone", label: "Time zone (e.g. Europe/Berlin)"),
            .init(name: "address", label: "Address"),
        ],
        edit: .init(
            find: { id, principal, db in try await Sites.find(id, principal: principal, on: db).dto },
            values: { ["name": $0.name, "timeZone": $0.timeZone, "address": $0.address ?? ""] },
            update: { id, body, expected, principal, request in
                _ = try await Sites.update(id, from: { body }, expected: expected, principal: principal, through: request)
            }))

    /// Clients and vendors: the same contact, under their own permissions.
    static func contacts<M: Contact & VersionedModel>(
        _ type: M.Type, path: String, title: String, singular: String, read: Permission, write: Permission, idParameter: String,
        notes: Bool, sorts: [SortColumn]
    ) -> WebCatalog<M.DTO> where M.DTO: ContactRow {
        WebCatalog<M.DTO>(
            path: path, title: title, read: read, write: write, idParameter: idParameter,
            list: { request, principal in
                let parameters = try ListParameters.catalog(request, sortable: sorts.map(\.name), defaultSort: "name")
                return try await Contacts.list(M.self, read: read, sorts: sorts, parameters, principal: principal, on: request.db)
            }, id: \.id, version: \.version,
            create: { body, principal, request in
                _ = try await Contacts.create(M.self, write: write, from: { body }, principal: principal, through: request)
            },
            columns: [
                .init(label: singular, value: { contact, _ in contact.name }),
                .init(label: "E-mail", value: { contact, _ in contact.email ?? "" }),
                .init(label: "Phone", value: { contact, _ in contact.phone ?? "" }),
            ],
            fields: [.init(name: "name", label: "Name"), .init(name: "email", label: "E-mail"), .init(name: "phone", label: "Phone")]
                + (notes ? [.init(name: "notes", label: "Notes", kind: .textarea)] : []),
            edit: .init(
                find: { id, principal, db in try await Contacts.find(M.self, id, read: read, principal: principal, on: db).dto },
                values: { ["name": $0.name, "email": $0.email ?? "", "phone": $0.phone ?? "", "notes": $0.notes ?? ""] },
                update: { id, body, expected, principal, request in
                    _ = try await Contacts.update(
                        M.self, id, write: write, from: { body }, expected: expected, principal: principal, through: request)
                }))
    }

    static let clients = contacts(
        Client.self, path: "clients", title: "Clients", singular: "Client", read: .clientsRead, write: .clientsWrite,
        idParameter: "clientID", notes: true, sorts: Client.sorts)

    static let vendors = contacts(
        Vendor.self, path: "vendors", title: "Vendors", singular: "Vendor", read: .partsRead, write: .partsWrite, idParameter: "vendorID",
        notes: false, sorts: Vendor.sorts)

    static let parts = WebCatalog<Part.DTO>(
        path: "parts", title: "Parts", read: .partsRead, write: .partsWrite, idParameter: "partID",
        list: { request, principal in
            let parameters = try ListParameters.catalog(request, sortable: Parts.sorts.map(\.name), defaultSort: "number")
            return try await Parts.list(PartFilter(), parameters, principal: principal, on: request.db)
        }, id: \.id, version: \.version,
        create: { body, principal, request in _ = try await Parts.create(from: { body }, principal: principal, through: request) },
        columns: [
            .init(label: "Part", value: { part, _ in "\(part.number) \(part.name)" }, href: { "/parts/\($0.id.uuidString)" }),
            .init(label: "Unit", value: { part, _ in part.unit }),
            .init(label: "Unit cost", value: { part, _ in WebFormat.number(part.unitCost) }),
            .init(label: "Vendor", value: { part, lookups in lookups.name(part.preferredVendorId) }),
        ],
        fields: [
            .init(name: "number", label: "Part number"), .init(name: "name", label: "Name"),
            .init(name: "unit", label: "Unit (each, m, l)"),
            .init(name: "unitCost", label: "Unit cost", kind: .number),
            .init(name: "preferredVendorId", label: "Preferred vendor", kind: .select(.vendors, optional: true)),
        ],
        edit: .init(
            find: { id, principal, db in try await Parts.find(id, principal: principal, on: db).dto },
            values: {
                [
                    "number": $0.number, "name": $0.name, "unit": $0.unit, "unitCost": WebFormat.number($0.unitCost),
                    "preferredVendorId": $0.preferredVendorId?.uuidString ?? "",
                ]
            },
            update: { id, body, expected, principal, request in
                _ = try await Parts.update(id, from: { body }, expected: expected, principal: principal, through: request)
            }), lookupSources: [.vendors])

    static let pmSchedules = WebCatalog<PMSchedule.DTO>(
        path: "pm-schedules", title: "PM schedules", read: .workOrdersRead, write: .workOrdersManage, idParameter: "pmScheduleID",
        list: { request, principal in
            let parameters = try ListParameters.catalog(request, sortable: PMSchedules.sorts.map(\.name), defaultSort: "nextDueAt")
            return try await PMSchedules.list(parameters, principal: principal, on: request.db)
        }, id: \.id, version: \.version,
        create: { body, principal, request in _ = try await PMSchedules.create(from: { body }, principal: principal, through: request) },
        columns: [
            .init(label: "Schedule", value: { schedule, _ in schedule.title }),
            .init(label: "Asset", value: { schedule, lookups in lookups.name(schedule.assetId) }),
            .init(
                label: "Every",
                value: { schedule, _ in
                    guard let calendar = schedule.calendar else { return "by meter" }
                    return "\(calendar.every) \(calendar.unit.rawValue)\(calendar.every == 1 ? "" : "s")"
                }),
            .init(label: "Next due", value: { schedule, _ in WebFormat.date(schedule.nextDueAt) }),
            .init(label: "Active", value: { schedule, _ in schedule.active ? "yes" : "no" }),
        ],
        fields: [
            .init(name: "assetId", label: "Asset", kind: .select(.assets, optional: false)), .init(name: "title", label: "Title"),
            .init(name: "every", label: "Every", kind: .number),
            .init(
                name: "unit", label: "Unit",
                kind: .select(
                    .fixed(CalendarInterval.Unit.allCases.map { ($0.rawValue, WebFormat.label($0.rawValue) + "s") }), optional: false)),
            .init(name: "nextDueAt", label: "First due", kind: .date),
            .init(
                name: "priority", label: "Priority",
                kind: .select(
                    .fixed(WorkOrderPriority.allCases.reversed().map { ($0.rawValue, WebFormat.label($0.rawValue)) }), optional: true)),
        ],
        shape: { form in
            // The form's flat "every" and "unit" are the API's calendar interval.
            var body = form
            let every = body.removeValue(forKey: "every")
            let unit = body.removeValue(forKey: "unit")
            if every != nil || unit != nil {
                var calendar: [String: JSONValue] = [:]
                if let every { calendar["every"] = every }
                if let unit { calendar["unit"] = unit }
                body["calendar"] = .object(calendar)
            }
            return body
        },
        intro: "Each schedule makes its work order ahead of the due date.",
        edit: .init(
            find: { id, principal, db in try await PMSchedules.find(id, principal: principal, on: db).dto },
            values: { schedule in
                var values = ["title": schedule.title, "nextDueAt": day(schedule.nextDueAt), "priority": schedule.priority.rawValue]
                if let calendar = schedule.calendar {
                    values["every"] = String(calendar.every)
                    values["unit"] = calendar.unit.rawValue
                }
                return values
            },
            update: { id, body, expected, principal, request in
                _ = try await PMSchedules.update(id, from: { body }, expected: expected, principal: principal, through: request)
            }), createOnly: ["assetId"], lookupSources: [.assets], links: [("Compliance", "/pm-schedules/compliance")])

    static func orderAction(_ action: PurchaseOrders.Action, label: String, applies: Set<PurchaseOrder.Status>)
        -> WebCatalog<
            PurchaseOrder.DTO
        >.RowAction
    {
        .init(
            name: action.rawValue, label: label, permission: action.permission, applies: { applies.contains($0.status) },
            run: { id, expected, principal, request in
                _ = try await PurchaseOrders.act(action, on: id, expected: expected, principal: principal, through: request)
            })
    }

    static let purchaseOrders = WebCatalog<PurchaseOrder.DTO>(
        path: "purchase-orders", title: "Purchase orders", read: .purchaseOrdersRead, write: .purchaseOrdersWrite,
        idParameter: "purchaseOrderID",
        list: { request, principal in
            let parameters = try ListParameters.catalog(request, sortable: PurchaseOrders.sorts.map(\.name), defaultSort: "-number")
            return try await PurchaseOrders.list(parameters, principal: principal, on: request.db)
        }, id: \.id, version: \.version,
        create: { body, principal, request in _ = try await PurchaseOrders.create(from: { body }, principal: principal, through: request) },
        columns: [
            .init(label: "Order", value: { order, _ in order.number }, href: { "/purchase-orders/\($0.id.uuidString)" }),
            .init(label: "Vendor", value: { order, lookups in lookups.name(order.vendorId) }),
            .init(label: "Delivered to", value: { order, lookups in lookups.name(order.siteId) }),
            .init(label: "Status", value: { order, _ in WebFormat.label(order.status.rawValue) }),
            .init(label: "Notes", value: { order, _ in order.notes ?? "" }),
        ],
        fields: [
            .init(name: "vendorId", label: "Vendor", kind: .select(.vendors, optional: false)),
            .init(name: "siteId", label: "Delivery site", kind: .select(.sites, optional: false)),
            .init(name: "notes", label: "Notes", kind: .textarea),
        ],
        actions: [
            orderAction(.submit, label: "Submit", applies: PurchaseOrders.Action.submit.from),
            orderAction(.approve, label: "Approve", applies: PurchaseOrders.Action.approve.from),
            orderAction(.cancel, label: "Cancel", applies: PurchaseOrders.Action.cancel.from),
        ],
        intro: "Lines and receiving: the API (POST /api/v1/purchase-orders/{id}/lines, …/receive); low stock drafts orders by itself.",
        edit: .init(
            find: { id, principal, db in try await PurchaseOrders.find(id, principal: principal, on: db).dto },
            values: { ["vendorId": $0.vendorId.uuidString, "notes": $0.notes ?? ""] },
            update: { id, body, expected, principal, request in
                _ = try await PurchaseOrders.update(id, from: { body }, expected: expected, principal: principal, through: request)
            }), createOnly: ["siteId"], lookupSources: [.vendors, .sites])
}

/// The choices the catalogue forms offer, each within what the member reaches.
extension WebCatalog.Options {
    static var sites: Self {
        .records { principal, db in try await WebOption.sites(principal, selected: nil, on: db).map { ($0.value, $0.label) } }
    }

    static var assets: Self {
        .records { principal, db in
            guard principal.can(.assetsRead) else { return [] }
            return try await principal.rows(Asset.DTO.self, siteColumn: "site_id", orderedBy: "tag", limit: 2000, on: db)
                .map { ($0.id.uuidString, "\($0.tag) \($0.name)") }
        }
    }

    static var vendors: Self {
        .records { principal, db in
            try await principal.rows(Vendor.DTO.self, orderedBy: "name", on: db).map { ($0.id.uuidString, $0.name) }
        }
    }

    static var locations: Self {
        .records { principal, db in
            try await principal.rows(Location.DTO.self, siteColumn: "site_id", orderedBy: "name", on: db).map {
                ($0.id.uuidString, $0.name)
            }
        }
    }
}

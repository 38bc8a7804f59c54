import Fluent
import Vapor

extension Application {
    /// Every migration, in the order it landed. Append only: never edit or reorder one that has landed.
    func registerMigrations() {
        // 001: platform foundation
        migrations.add(CreateOrganization())
        migrations.add(CreateUser())
        migrations.add(CreateMembership())
        migrations.add(CreateAPIKey())
        migrations.add(CreateRefreshToken())
        migrations.add(CreateAuditEvent())
        migrations.add(SessionRecord.migration)
        // 002: places and things
        migrations.add(CreateClient())
        migrations.add(CreateSite())
        migrations.add(CreateLocation())
        migrations.add(CreateAsset())
        migrations.add(CreateMeter())
        // 003: work orders
        migrations.add(UpdateOrganizationAddSettings())
        migrations.add(CreateCounter())
        migrations.add(CreateTeam())
        migrations.add(CreateFailureCode())
        migrations.add(CreateWorkOrder())
        // 004: what work orders record
        migrations.add(CreateWorkOrderEntries())
        // 005: parts, stock and purchasing
        migrations.add(CreateInventory())
        // 006: preventive maintenance
        migrations.add(CreatePMSchedule())
        // 007: requests and attachments
        migrations.add(CreateRequest())
        // 008: checklists
        migrations.add(CreateChecklists())
        // 009: documents and photos on assets
        migrations.add(UpdateAttachmentAddAsset())
        // 010: indexes for the common lookups
        migrations.add(AddLookupIndexes())
        // 011: typed custom fields
        migrations.add(CreateCustomField())
        // 012: diagnostics
        migrations.add(CreateDiagnostics())
        // 013: a language model's wording of a diagnosis
        migrations.add(UpdateDiagnosisAddPhrasing())
        // 014: saved list views
        migrations.add(CreateSavedView())
        // 015: web sessions the server ends and expires
        migrations.add(CreateWebSession())
        // 016: audit chain heads sealed with the server's key
        migrations.add(UpdateAuditChainHeadAddSeal(seal: auditSeal))
        // 017: alerts and purchase orders belong to a site
        migrations.add(UpdateAlertsAndPurchaseOrdersAddSite())
        // 018: sign-in lock-outs per (e-mail, client address), with back-off
        migrations.add(CreateSignInThrottle())
        // 019: members join by accepting an invitation
        migrations.add(CreateInvitation())
        // 020: work orders sort by priority
        migrations.add(UpdateWorkOrderAddPriorityRank())
        // 021: indexes for a record's history and the home page's counts
        migrations.add(AddHotReadIndexes())
        // 022: indexes for the typed lists' and pages' filters
        migrations.add(AddTypedListIndexes())
        // 023: the durable queue of background work
        migrations.add(CreateJobs())
        // 024: the transactional outbox of domain events
        migrations.add(CreateOutbox())

    }
}

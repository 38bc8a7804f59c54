import Vapor

extension Application {
    /// The `millwright` subcommands beside Vapor's own `serve`, `migrate` and `routes`: each feature's, and the
    /// platform's backups (`routes.swift` is the same list for the HTTP routes).
    func registerCommands() {
        asyncCommands.use(OrgsCommand(), as: "orgs")
        asyncCommands.use(UsersCommand(), as: "users")
        asyncCommands.use(APIKeysCommand(), as: "api-keys")
        asyncCommands.use(AuditCommand(), as: "audit")
        asyncCommands.use(BackupCommand(), as: "backup")
        asyncCommands.use(RestoreCommand(), as: "restore")
        asyncCommands.use(PMCommand(), as: "pm")
        asyncCommands.use(DiagnoseCommand(), as: "diagnose")
        asyncCommands.use(KnowledgeCommand(), as: "kb")
        asyncCommands.use(JobsCommand(), as: "jobs")
    }
}

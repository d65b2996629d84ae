import TallyAlerts
import TallyEngine
import TallyIngest
import TallyPostgres

/// The exit codes (docs/operations.md, "Exit codes"; ExitStatusTests hold the two together), and the one place errors are mapped to them.
enum ExitStatus: Int32, CaseIterable {
    case ok = 0
    case breaks = 1
    case usage = 64
    case dataError = 65
    case noInput = 66
    case unavailable = 69
    case software = 70
    case cannotCreate = 73
    case locked = 75

    init(for error: any Error) {
        switch error {
        case let error as IngestError:
            self = error.code == .fileMissing ? .noInput : error.code == .unsupported ? .usage : .dataError
        case let error as PostgresError:
            // PostgresError.classification is the one reading of libpq failures
            switch error.classification {
            case .unavailable: self = .unavailable
            case .configuration: self = .usage
            case .other: self = .software
            }
        case let error as RunError:
            switch error.code {
            case .usage: self = .usage
            case .locked: self = .locked
            case .cannotWriteReports, .cannotWriteSpill: self = .cannotCreate
            case .notFound: self = .noInput
            case .massBreaks: self = .dataError
            default: self = .software
            }
        case is StoreMissing, is RunNotFound, is MappingError, is ConfigError, is ReportsNotStored, is AlertRulesError,
            is AlertNotDead, is ItemActionError, is ItemIDArgument.Malformed:
            self = .usage
        case is ItemSheet.Unreadable, is CSVReadError: self = .dataError
        default: self = .software
        }
    }
}

extension ExitStatus {
    /// The status in words, as a failure alert tells it.
    var meaning: String {
        switch self {
        case .ok: "completed"
        case .breaks: "completed with breaks at or above --fail-on"
        case .usage: "usage or configuration error"
        case .dataError: "input data error"
        case .noInput: "an input file is missing"
        case .unavailable: "database or service unavailable"
        case .software: "internal error"
        case .cannotCreate: "reports or spill files cannot be written"
        case .locked: "another run holds the provider's lock"
        }
    }

    /// Which of two statuses a range of runs reports: failures that stop a scheduler first.
    var severityRank: Int {
        switch self {
        case .ok: 0
        case .breaks: 1
        case .noInput: 2
        case .dataError: 3
        case .cannotCreate: 4
        case .locked: 5
        case .unavailable: 6
        case .usage: 7
        case .software: 8
        }
    }
}

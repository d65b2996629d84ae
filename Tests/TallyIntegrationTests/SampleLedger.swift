import Foundation
import TallyIngest
import TallyPostgres
import TallyTestSupport

/// The ledger of the shipped samples (`samples/payments.csv`, what `make run` loads), for tests that
/// reconcile the sample nights.
enum SampleLedger {
    static let root = TestCluster.repositoryRoot.appendingPathComponent("samples")

    /// Creates `payments` and fills it from `samples/payments.csv`. COPY FROM STDIN would need psql;
    /// the file is small, so it is parsed here with Tally's own CSV reader.
    static func load(into db: PostgresConnection) throws {
        try TestLedger.create(db)
        let text = try String(contentsOf: root.appendingPathComponent("payments.csv"), encoding: .utf8)
        var rows: [PaymentRow] = []
        var reader = CSVReader(bytes: Array(text.utf8))
        var header = true
        try reader.forEachRecord { record in
            if header {
                header = false
                return
            }
            rows.append(
                PaymentRow(
                    id: Int(record.string(0)!)!, provider: record.string(1)!, reference: record.string(2)!,
                    kind: record.string(4)!, amountMinor: Int64(record.string(5)!)!, currency: record.string(6)!,
                    status: record.string(7)!, createdAt: record.string(8)!, merchantReference: record.string(3)))
        }
        try TestLedger.insert(rows, into: db)
    }

    /// Applies `samples/night2.sql`, the ledger corrections made between the two sample nights.
    static func applyNightTwoCorrections(to db: PostgresConnection) throws {
        let corrections = try String(contentsOf: root.appendingPathComponent("night2.sql"), encoding: .utf8)
        for statement in corrections.components(separatedBy: ";\n")
        where statement.contains("UPDATE") || statement.contains("INSERT") {
            try db.execute(statement)
        }
    }
}

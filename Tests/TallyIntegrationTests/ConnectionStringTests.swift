import TallyPostgres
import Testing

/// ``ConnectionString``: libpq's grammar, and errors that name the wrong part and quote nothing
/// (issue 17 A). Pure: needs no database.
@Suite struct ConnectionStringTests {
    static let secret = "Sup3rS3cret"

    func parameters(_ text: String) throws -> [String] {
        try ConnectionString.parse(text).parameters.map { "\($0.keyword)=\($0.value)" }
    }

    @Test func urlsAsLibpqReadsThem() throws {
        #expect(
            try parameters("postgresql://tally:p%40ss@db.example:5432/payments?sslmode=require&connect_timeout=3") == [
                "user=tally", "password=p@ss", "host=db.example", "port=5432", "dbname=payments", "sslmode=require",
                "connect_timeout=3",
            ])
        #expect(try parameters("postgres://") == [])
        #expect(
            try parameters("postgresql:///tally?host=/work/.tally/socket&port=5433&user=postgres") == [
                "dbname=tally", "host=/work/.tally/socket", "port=5433", "user=postgres",
            ])
        #expect(try parameters("postgresql://%2Fvar%2Frun%2Fpostgresql/db") == ["host=/var/run/postgresql", "dbname=db"])
        #expect(try parameters("postgresql://[::1]:5433,other/db") == ["host=::1,other", "port=5433,", "dbname=db"])
        #expect(try parameters("postgresql://a,b:6/db") == ["host=a,b", "port=,6", "dbname=db"])
        #expect(try parameters("postgresql://u:pa?ss@h/db") == ["user=u", "password=pa?ss", "host=h", "dbname=db"])
        #expect(try parameters("postgresql://h/db?ssl=true") == ["host=h", "dbname=db", "sslmode=require"])
    }

    @Test func keywordValueStringsAsLibpqReadsThem() throws {
        #expect(
            try parameters("host=/tmp port = 5433 dbname='my db' password='it\\'s' user=a\\ b") == [
                "host=/tmp", "port=5433", "dbname=my db", "password=it's", "user=a b",
            ])
        #expect(try parameters("payments") == ["dbname=payments"])
    }

    /// Every malformed form of the issue and more, each with the secret somewhere in it: the error
    /// names the part and never contains the secret (nor any other piece of the input).
    @Test(arguments: [
        ("postgresql://tally:Sup3r%S3cret@127.0.0.1:5999/payments", "the password part has a bad %-escape"),
        ("postgresql//tally:Sup3rS3cret@host/db", "the scheme must be followed by //"),
        ("postgresql:/tally:Sup3rS3cret@host/db", "the scheme must be followed by //"),
        ("postgres:tally:Sup3rS3cret@host/db", "the scheme must be followed by //"),
        ("mysql://tally:Sup3rS3cret@host/db", "the scheme must be postgresql:// or postgres://"),
        ("tally:Sup3rS3cret@host/db", "it has no scheme"),
        ("postgresql://tally:Sup3rS3cret@[::1/payments", "unclosed [ in the host part"),
        ("postgresql://tally:Sup3rS3cret@[]/payments", "empty [] in the host part"),
        ("postgresql://tally:Sup3rS3cret@[::1]x/payments", "unexpected text after ] in the host part"),
        ("postgresql://tal%zzly:Sup3rS3cret@host/db", "the user part has a bad %-escape"),
        ("postgresql://tally:Sup3rS3cret@ho%4/db", "the host part has a bad %-escape"),
        ("postgresql://tally:Sup3rS3cret@host/pay%%ments", "the database name part has a bad %-escape"),
        ("postgresql://tally:Sup3r%00S3cret@host/db", "the password part has a %00"),
        ("postgresql://tally:Sup3rS3cret@host:54x2/db", "the port part is not a number"),
        ("postgresql://tally:Sup3rS3cret@host:99999/db", "the port part is not a number"),
        ("postgresql://tally:Sup3rS3cret@host:1:2/db", "more than one : in the host part"),
        ("postgresql://tally:Sup3r/S3cret@host/db", "an @ after the host part"),
        ("postgresql://tally@host/db?password=Sup3r%S3cret", "query parameter 1's value part has a bad %-escape"),
        ("postgresql://tally@host/db?sslmode=require&pass%word=Sup3rS3cret", "query parameter 2's name part has a bad"),
        ("postgresql://tally:Sup3rS3cret@host/db?sslmod=require", "unknown parameter \"sslmod\""),
        ("postgresql://tally@host/db?Sup3rS3cret=1", "query parameter 1 is an unknown parameter"),
        ("postgresql://tally:Sup3rS3cret@host/db?Sup3rS3cret", "query parameter 1 has no ="),
        ("postgresql://tally:Sup3rS3cret@host/db?sslmode=a=b", "query parameter 1 has a second ="),
        ("postgresql://tally:Sup3rS3cret@host/db?sslmode=require&", "query parameter 2 has no ="),
        ("host=db password='Sup3rS3cret dbname=payments", "has no closing '"),
        ("host=db password=Sup3rS3cret dbname", "key=value pair 3 has no = after its name"),
        ("host=db Sup3rS3cret password=x", "key=value pair 2 has no = after its name"),
        ("host=db passwd=Sup3rS3cret", "unknown parameter \"passwd\""),
        ("host=db =Sup3rS3cret", "pair 2 has no name"),
        ("host=db dbname='postgresql://tally:Sup3rS3cret@h/db'", "the dbname parameter holds a connection string"),
        ("postgresql://h/?dbname=password%3DSup3rS3cret", "the dbname parameter holds a connection string"),
    ])
    func malformedStringsNameThePartAndQuoteNothing(_ text: String, _ expected: String) {
        #expect {
            try ConnectionString.parse(text)
        } throws: { error in
            guard let error = error as? PostgresError else { return false }
            let message = error.description
            #expect(message.contains(expected), "\(message)")
            #expect(!message.contains("S3cret") && !message.contains("Sup3r"), "\(message)")
            #expect(error.isConfigurationError)
            return true
        }
    }
}

/// ``PostgresError/classification``, the one reading of libpq failures that `ExitStatus` maps to
/// 69 (unavailable), 64 (configuration) and 70 (other): issue 17 C and 2.
@Suite struct PostgresErrorClassificationTests {
    @Test(
        arguments: [
            // a lost server, however it surfaces (issue 17 2: these were 70)
            (PostgresError.Code.query, "server closed the connection unexpectedly; This probably means…", nil, "unavailable"),
            (.stream, "server closed the connection unexpectedly", nil, "unavailable"),
            (.protocolViolation, "lost synchronization with server: got message type \"x\"", nil, "unavailable"),
            (.query, "no connection to the server", nil, "unavailable"),
            (.query, "could not send data to server: Broken pipe", nil, "unavailable"),
            (.connection, "cannot connect to PostgreSQL at host h port 1: Connection refused", nil, "unavailable"),
            (.query, "terminating connection due to administrator command", "57P01", "unavailable"),
            (.query, "terminating connection because of crash of another server process", "57P02", "unavailable"),
            (.connection, "the database system is starting up", "57P03", "unavailable"),
            (.connection, "sorry, too many clients already", "53300", "unavailable"),
            (.query, "connection failure", "08006", "unavailable"),
            // what only the operator can fix (issue 17 C: these were 69 or 70)
            (.connection, "database \"x\" does not exist", "3D000", "configuration"),
            (.connection, "role \"x\" does not exist", "28000", "configuration"),
            (.connection, "password authentication failed for user \"tally\"", "28P01", "configuration"),
            (.configuration, "invalid database URL: the password part has a bad %-escape", nil, "configuration"),
            (.configuration, "the ledger table payments is not in this database", "42P01", "configuration"),
            // everything else is ours to fix
            (.query, "relation \"tally.runs\" does not exist", "42P01", "other"),
            (.query, "duplicate key value violates unique constraint", "23505", "other"),
            (.stream, "the ledger's COPY header is truncated", nil, "other"),
        ] as [(PostgresError.Code, String, String?, String)])
    func classifies(_ code: PostgresError.Code, _ message: String, _ sqlState: String?, _ expected: String) {
        let classification = PostgresError(code: code, message: message, sqlState: sqlState).classification
        let name =
            switch classification {
            case .unavailable: "unavailable"
            case .configuration: "configuration"
            case .other: "other"
            }
        #expect(name == expected, "\(code) \(message)")
    }
}

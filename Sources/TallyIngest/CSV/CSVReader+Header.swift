extension CSVReader {
    /// Reads a file whose first record (after `skip` records) is a header: `bind` turns the header
    /// into the columns the rows are read by, and `row` gets every later record with them.
    ///
    /// The error `bind` throws stops the read as it is; an I/O error becomes `.unreadable`. The
    /// columns reach `row` in place (`inout`): passing them by value would copy, and retain and
    /// release, the arrays in them once per row.
    ///
    /// - Returns: the bound columns, or nil when the file holds no header record at all.
    mutating func forEachRow<Columns>(
        of file: SettlementFile, skipping skip: Int = 0, bind: (CSVRecord) throws(IngestError) -> Columns,
        row: (CSVRecord, inout Columns) -> Void
    ) throws(IngestError) -> Columns? {
        var columns: Columns?
        var skipped = 0
        var headerError: IngestError?
        do {
            try forEachRecord { record in
                if skipped < skip {
                    skipped += 1
                    return
                }
                guard columns != nil else {
                    do throws(IngestError) { columns = try bind(record) } catch {
                        headerError = error
                        throw error
                    }
                    return
                }
                row(record, &columns!)
            }
        } catch {
            if let headerError { throw headerError }
            throw IngestError(code: .unreadable, message: "\(error)", path: file.path)
        }
        return columns
    }
}

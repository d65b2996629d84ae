import Foundation
import TallyCore
import TallyIngest

/// The settings a run keeps in `tally.runs.options` (JSON), so that `tally explain` can redo its
/// window and read its files again. The keys are a contract with stored rows; they stay.
public struct StoredRunOptions: Codable, Sendable, Equatable {
    public var lookbackDays: Int
    public var lookaheadDays: Int
    public var amountToleranceMinor: Int64
    public var maxRejects: Int
    @NullEncoded public var referenceColumn: String?
    public var files: [String]
    public var maskPII: Bool

    enum CodingKeys: String, CodingKey {
        case files
        case lookbackDays = "lookback_days"
        case lookaheadDays = "lookahead_days"
        case amountToleranceMinor = "amount_tolerance_minor"
        case maxRejects = "max_rejects"
        case referenceColumn = "reference_column"
        case maskPII = "mask_pii"
    }

    public init(_ options: RunOptions) {
        lookbackDays = options.lookbackDays
        lookaheadDays = options.lookaheadDays
        amountToleranceMinor = options.amountToleranceMinor
        maxRejects = options.maxRejects
        referenceColumn = options.readerOptions.referenceColumn
        files = options.files
        maskPII = options.maskPII
    }

    /// What a row without a key means: the defaults of ``RunOptions``.
    static let defaults = StoredRunOptions(
        RunOptions(
            provider: "", format: .stripe, files: [], from: CivilDate(daysSinceEpoch: 0), to: CivilDate(daysSinceEpoch: 0)))

    /// Reads a stored row leniently: a key that is missing or of another type (a row of an older
    /// version) takes the run's default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self.defaults
        lookbackDays = (try? container.decodeIfPresent(Int.self, forKey: .lookbackDays)) ?? defaults.lookbackDays
        lookaheadDays = (try? container.decodeIfPresent(Int.self, forKey: .lookaheadDays)) ?? defaults.lookaheadDays
        amountToleranceMinor =
            (try? container.decodeIfPresent(Int64.self, forKey: .amountToleranceMinor)) ?? defaults.amountToleranceMinor
        maxRejects = (try? container.decodeIfPresent(Int.self, forKey: .maxRejects)) ?? defaults.maxRejects
        referenceColumn = (try? container.decodeIfPresent(String.self, forKey: .referenceColumn)) ?? nil
        files = (try? container.decodeIfPresent([String].self, forKey: .files)) ?? defaults.files
        maskPII = (try? container.decodeIfPresent(Bool.self, forKey: .maskPII)) ?? defaults.maskPII
    }

    /// The stored options of `json`; the defaults when it is not a JSON object.
    public init(json: String) {
        self = (try? JSONDecoder().decode(Self.self, from: Data(json.utf8))) ?? Self.defaults
    }

    /// Key-sorted compact JSON, as stored.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

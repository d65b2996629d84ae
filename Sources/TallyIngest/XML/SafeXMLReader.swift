import CLibXML2

#if canImport(Glibc)
import Glibc
#endif

/// A pull reader over an untrusted XML file: libxml2's `xmlTextReader`, hardened.
///
/// libxml2 directly rather than FoundationXML: on this toolchain FoundationXML accepts truncated
/// documents and crashes on invalid UTF-8 in names, always parses with entity substitution on, and is
/// slower (../shared/TECH-NOTES.md §2). The reader streams (memory stays flat whatever the file size) and is
/// opened with `XML_PARSE_NONET` only: no entity substitution, no DTD loading, no `XML_PARSE_HUGE`
/// (libxml2's 10 MB text-node and depth limits stay), no recovery (a truncated file is an error).
/// Any DOCTYPE is refused (ISO 20022 files never need one), and a process-wide loader refuses every
/// external resource as defence in depth.
struct SafeXMLReader: ~Copyable {
    /// The kinds of node the camt reader acts on.
    enum Node {
        case element(name: UnsafePointer<UInt8>, isEmpty: Bool)
        case text(UnsafeBufferPointer<UInt8>)
        case endElement(name: UnsafePointer<UInt8>)
    }

    private let reader: xmlTextReaderPtr
    private let errors: ErrorCollector
    private let input: LineEndInput
    let path: String

    /// - Throws: ``IngestError`` when the reader cannot be created.
    init(fileDescriptor: Int32, path: String) throws(IngestError) {
        Self.installDenyAllLoader
        // BIG_LINES only keeps line numbers above 65535 exact.
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_BIG_LINES.rawValue)
        let input = LineEndInput(descriptor: fileDescriptor)
        guard
            let reader = xmlReaderForIO(
                readLineEndInput, nil, Unmanaged.passUnretained(input).toOpaque(), path, nil, options)
        else {
            throw IngestError(code: .unreadable, message: "libxml2 could not open the file", path: path)
        }
        self.reader = reader
        self.input = input
        self.path = path
        errors = ErrorCollector()
        xmlTextReaderSetStructuredErrorHandler(reader, collectError, Unmanaged.passUnretained(errors).toOpaque())
    }

    deinit { xmlFreeTextReader(reader) }

    /// The next node of interest, or nil at the end of the document.
    ///
    /// - Throws: ``IngestError`` `.malformed` on a well-formedness or encoding error (with its line),
    ///   `.hostileXML` on a DOCTYPE or an entity reference.
    mutating func next() throws(IngestError) -> Node? {
        while true {
            let status = xmlTextReaderRead(reader)
            if status == 0 {
                if let message = errors.first { throw malformed(message) }
                return nil
            }
            if status < 0 { throw malformed(errors.first ?? (message: "the XML is not well formed", line: line)) }
            switch UInt32(xmlTextReaderNodeType(reader)) {
            case XML_READER_TYPE_ELEMENT.rawValue:
                guard let name = xmlTextReaderConstLocalName(reader) else { continue }
                return .element(name: name, isEmpty: xmlTextReaderIsEmptyElement(reader) == 1)
            case XML_READER_TYPE_END_ELEMENT.rawValue:
                guard let name = xmlTextReaderConstLocalName(reader) else { continue }
                return .endElement(name: name)
            case XML_READER_TYPE_TEXT.rawValue, XML_READER_TYPE_CDATA.rawValue:
                guard let value = xmlTextReaderConstValue(reader) else { continue }
                return .text(UnsafeBufferPointer(start: value, count: strlen(value)))
            case XML_READER_TYPE_DOCUMENT_TYPE.rawValue:
                throw IngestError(
                    code: .hostileXML,
                    message:
                        "the file declares a DOCTYPE; ISO 20022 files never need one and Tally refuses it (entities and DTDs are not loaded). Remove the <!DOCTYPE …> declaration if the file is genuine",
                    path: path, line: input.doctype.doctypeLine ?? line)
            case XML_READER_TYPE_ENTITY_REFERENCE.rawValue:
                throw IngestError(
                    code: .hostileXML, message: "the file references an entity; Tally never expands entities", path: path,
                    line: line)
            default:
                continue
            }
        }
    }

    /// The value of an attribute of the current element (copied), or nil.
    func attribute(_ name: StaticString) -> String? {
        guard let value = name.withUTF8Buffer({ xmlTextReaderGetAttribute(reader, $0.baseAddress) }) else { return nil }
        defer { clibxml2_free(value) }
        return String(cString: value)
    }

    /// The namespace URI of the current node (copied), or nil.
    var namespaceURI: String? {
        xmlTextReaderConstNamespaceUri(reader).map { String(cString: $0) }
    }

    /// The line the parser is on (1-based; it may have read ahead of the current node).
    var line: Int { Int(xmlTextReaderGetParserLineNumber(reader)) }

    /// The line of the current node (1-based), where the element starts.
    var nodeLine: Int {
        guard let node = xmlTextReaderCurrentNode(reader) else { return line }
        let number = Int(xmlGetLineNo(node))
        return number > 0 ? number : line
    }

    /// Bytes of input read so far (for progress).
    var bytesConsumed: Int { input.bytesRead }

    private func malformed(_ error: (message: String, line: Int)) -> IngestError {
        if errors.aboutEntities {
            return IngestError(
                code: .hostileXML,
                message: "the file uses entities (\(error.message)); Tally never expands entities or loads DTDs",
                path: path, line: error.line > 0 ? error.line : nil)
        }
        return IngestError(
            code: .malformed,
            message: XMLErrorText.sentence(
                error.message, head: input.head, atLastLine: input.atEnd && error.line >= input.lines), path: path,
            line: error.line > 0 ? error.line : nil)
    }

    /// Refuses every external entity, DTD or XInclude, process-wide, once.
    private static let installDenyAllLoader: Void = {
        xmlSetExternalEntityLoader { _, _, _ in nil }
    }()
}

/// The first error libxml2 reports for a reader (the rest usually follow from it).
private final class ErrorCollector: @unchecked Sendable {
    // Only touched on the reading thread, from inside xmlTextReaderRead.
    var first: (message: String, line: Int)?
    /// The first error was about entities (a loop, an undeclared or external one).
    var aboutEntities = false
}

/// libxml2 errors that mean the file plays with entities.
private let entityErrors: Set<Int32> = [
    Int32(XML_ERR_ENTITY_LOOP.rawValue), Int32(XML_ERR_UNDECLARED_ENTITY.rawValue),
    Int32(XML_WAR_UNDECLARED_ENTITY.rawValue), Int32(XML_ERR_ENTITY_BOUNDARY.rawValue),
    Int32(XML_ERR_ENTITY_IS_EXTERNAL.rawValue), Int32(XML_ERR_ENTITY_IS_PARAMETER.rawValue),
    Int32(XML_ERR_UNPARSED_ENTITY.rawValue), Int32(XML_ERR_ENTITY_PE_INTERNAL.rawValue),
]

private func collectError(_ context: UnsafeMutableRawPointer?, _ error: xmlErrorPtr?) {
    guard let context, let error else { return }
    let collector = Unmanaged<ErrorCollector>.fromOpaque(context).takeUnretainedValue()
    guard collector.first == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
    var message = error.pointee.message.map { String(cString: $0) } ?? "error \(error.pointee.code)"
    while message.last == "\n" || message.last == " " { message.removeLast() }
    collector.first = (message, Int(error.pointee.line))
    collector.aboutEntities = entityErrors.contains(error.pointee.code)
}

/// The file's bytes for libxml2, with CR and CRLF line ends turned into LF on the way in.
///
/// XML itself normalises line ends that way before parsing (XML 1.0 §2.11), so the document is the
/// same; but libxml2 counts lines by LF only, and a CR-only file (the Finnish camt.054 sample) would
/// otherwise be "line 1" from start to end. Left alone for UTF-16 input, where a 0x0D byte can be
/// half of another character.
private final class LineEndInput: @unchecked Sendable {
    // Only touched on the reading thread, from inside libxml2's read callback.
    let descriptor: Int32
    var bytesRead = 0
    var afterCR = false
    var decided = false
    var normalise = true
    /// Where the DOCTYPE is: libxml2's own line at that node is wherever it had read ahead to.
    var doctype = DoctypeLocator()
    /// The file's first bytes as read (before line ends are normalised), for error messages.
    var head: [UInt8] = []
    /// Whether the end of the file was read, and its lines so far (a truncation shows as an error on
    /// the last line once the end is read).
    var atEnd = false
    var lines = 1

    init(descriptor: Int32) { self.descriptor = descriptor }

    func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) -> Int {
        while true {
            let count = Glibc.read(descriptor, buffer, capacity)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                if count == 0 { atEnd = true }
                return count
            }
            bytesRead += count
            if head.count < 64 { head += UnsafeBufferPointer(start: buffer, count: min(count, 64 - head.count)) }
            if !decided {
                decided = true
                if count >= 2 {
                    let first = buffer[0]
                    let second = buffer[1]
                    normalise =
                        !((first == 0xFF && second == 0xFE) || (first == 0xFE && second == 0xFF)
                        || (first == 0x3C && second == 0x00) || (first == 0x00 && second == 0x3C))
                }
            }
            guard normalise else { return count }
            var kept = 0
            for index in 0..<count {
                let byte = buffer[index]
                if byte == 0x0A && afterCR {
                    afterCR = false
                    continue
                }
                afterCR = byte == 0x0D
                if afterCR || byte == 0x0A { lines += 1 }
                buffer[kept] = afterCR ? 0x0A : byte
                kept += 1
            }
            if !doctype.isDone { doctype.feed(UnsafeBufferPointer(start: buffer, count: kept)) }
            // a chunk that was only the LF of a CRLF: read on rather than signal the end
            if kept > 0 { return kept }
        }
    }
}

private func readLineEndInput(
    _ context: UnsafeMutableRawPointer?, _ buffer: UnsafeMutablePointer<CChar>?, _ length: Int32
) -> Int32 {
    guard let context, let buffer, length > 0 else { return -1 }
    let input = Unmanaged<LineEndInput>.fromOpaque(context).takeUnretainedValue()
    let count = buffer.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
        input.read(into: $0, capacity: Int(length))
    }
    return Int32(count)
}

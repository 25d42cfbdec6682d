/// Text in aligned columns, as `skupper ... status` prints it.
public struct Table: Sendable {
    public var header: [String]
    public var rows: [[String]] = []

    public init(_ header: String...) { self.header = header }

    /// Adds a row.
    public mutating func add(_ cells: String...) { rows.append(cells) }

    /// The table's lines, columns separated by at least three spaces, no trailing spaces.
    public var text: String {
        let all = [header] + rows
        var widths = [Int](repeating: 0, count: header.count)
        for row in all { for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) } }
        return all.map { row in
            var line = ""
            for (index, cell) in row.enumerated() {
                if index == row.count - 1 { line += cell } else { line += cell + String(repeating: " ", count: widths[index] - cell.count + 3) }
            }
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n") + "\n"
    }
}

/// "Key: value" lines with aligned values, for the status of one named resource.
public func details(_ pairs: [(String, String)]) -> String {
    let width = pairs.map(\.0.count).max() ?? 0
    return pairs.map { "\($0.0):" + String(repeating: " ", count: width - $0.0.count + 1) + $0.1 }.joined(separator: "\n") + "\n"
}

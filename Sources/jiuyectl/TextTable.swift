/// A plain-text table that lines up Chinese text too (CJK characters take two columns).
struct TextTable {
    let columns: [String]
    let rows: [[String]]

    var rendered: String {
        let all = [columns] + rows
        var widths = [Int](repeating: 0, count: columns.count)
        for row in all {
            for (i, cell) in row.prefix(columns.count).enumerated() { widths[i] = max(widths[i], Self.width(cell)) }
        }
        var out = ""
        for row in all {
            var line = ""
            for (i, cell) in row.prefix(columns.count).enumerated() {
                let pad = i == columns.count - 1 ? 0 : widths[i] - Self.width(cell) + 2
                line += cell + String(repeating: " ", count: pad)
            }
            out += line.trimmingTrailingSpaces + "\n"
        }
        return out
    }

    /// Display columns: wide (East Asian) characters count two.
    static func width(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { sum, s in
            let v = s.value
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
                || (0xFFE0...0xFFE6).contains(v)
            return sum + (wide ? 2 : 1)
        }
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var s = self
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}

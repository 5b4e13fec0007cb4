import Foundation

/// Whether a PDF can act when shown: scripts, actions on opening, launches, forms that submit,
/// embedded files. The browser's PDF viewer runs those, and it cannot run sandboxed, so the console
/// previews only a PDF with none of them; any other PDF is a download. Names are read as PDF
/// writes them (`/Java#53cript` is `/JavaScript`); objects packed into compressed object streams
/// cannot be read without inflating them, so such a PDF counts as acting.
enum PDFActions {
    static let risky: Set<String> = [
        "JavaScript", "JS", "OpenAction", "AA", "Launch", "SubmitForm", "ImportData", "EmbeddedFile", "EmbeddedFiles",
        "XFA", "RichMedia", "GoToR", "GoToE", "ObjStm",
    ]

    /// True when no name in the file is one of ``risky``.
    static func isInert(_ data: Data) -> Bool {
        let bytes = [UInt8](data)
        var i = 0
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "/") else { i += 1; continue }
            i += 1
            var name: [UInt8] = []
            while i < bytes.count, !isDelimiter(bytes[i]), name.count < 32 {
                if bytes[i] == UInt8(ascii: "#"), i + 2 < bytes.count, let h = hex(bytes[i + 1], bytes[i + 2]) {
                    name.append(h)
                    i += 3
                } else {
                    name.append(bytes[i])
                    i += 1
                }
            }
            if !name.isEmpty, risky.contains(String(decoding: name, as: UTF8.self)) { return false }
        }
        return true
    }

    static func isDelimiter(_ b: UInt8) -> Bool {
        switch b {
        case 0x00, 0x09, 0x0A, 0x0C, 0x0D, 0x20, UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"),
             UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "/"), UInt8(ascii: "%"):
            true
        default:
            false
        }
    }

    static func hex(_ a: UInt8, _ b: UInt8) -> UInt8? {
        func v(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        guard let x = v(a), let y = v(b) else { return nil }
        return x << 4 | y
    }
}
